"""For the migrations that move voting's models to ideas, polls and feedback (not a migration itself:
Django skips modules whose name starts with "_")."""

from django.db import migrations


def move_content_types(models: list[str], *, to: str) -> migrations.RunPython:
    """The content types of ``models`` (and so the permissions and the admin history that point to
    them) go from voting to ``to``; back again when the migration is reversed. A content type the
    target app already has (created by an earlier run's post_migrate) is left as it is."""

    def move(apps, schema_editor, source, target):
        types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        for model in models:
            if not types.filter(app_label=target, model=model).exists():
                types.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(lambda apps, editor: move(apps, editor, "voting", to),
                                lambda apps, editor: move(apps, editor, to, "voting"))
