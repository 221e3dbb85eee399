from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from forum.models import Board
        from forum.pagecache import forget_everything

        # Cache invalidation only (STYLE.md): who may read a board decides what
        # an anonymous visitor was served, so a board edit drops every cached page.
        post_save.connect(forget_everything, sender=Board, dispatch_uid="forum.pagecache.board_saved")
        post_delete.connect(forget_everything, sender=Board, dispatch_uid="forum.pagecache.board_deleted")
        for field in (Board.read_roles, Board.start_roles):
            m2m_changed.connect(forget_everything, sender=field.through, dispatch_uid=f"forum.pagecache.{field.field.name}")
