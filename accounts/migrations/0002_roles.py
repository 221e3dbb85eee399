"""Create the role groups with their permissions.

Permissions are normally created after all migrations (post_migrate); we
create them here so the groups can hold them from the start.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Fan", "Engineer", "Product manager", "Moderator", "Admin"]
ROLE_PERMISSIONS = {
    "moderate_forum": ["Moderator", "Admin"],
    "be_credited_engineer": ["Engineer"],
    "read_feedback": ["Product manager", "Admin"],
    "manage_ideas": ["Product manager", "Admin"],
    "publish_releases": ["Admin"],
    "view_user": ["Moderator", "Admin"],
    "change_user": ["Admin"],
}


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    for codename, role_names in ROLE_PERMISSIONS.items():
        permission = Permission.objects.get(content_type__app_label="accounts", codename=codename)
        for name in role_names:
            groups[name].permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
