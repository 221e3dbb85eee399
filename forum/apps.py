from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from accounts.signals import profile_changed
        from forum.models import Board
        from forum.pagecache import board_roles_changed, board_saved, group_deleting
        from forum.shells import forget_changed_profile, forget_groups, forget_role_changes, forget_saved_author

        # Boards and their roles are written by the admin's form and Django's m2m API:
        # these move Board.version in the database, in the same transaction (forum.pagecache).
        post_save.connect(board_saved, sender=Board, dispatch_uid="forum.pagecache.board_saved")
        for field in (Board.read_roles, Board.start_roles):
            m2m_changed.connect(
                board_roles_changed, sender=field.through, dispatch_uid=f"forum.pagecache.{field.field.name}"
            )
        pre_delete.connect(group_deleting, sender=Group, dispatch_uid="forum.pagecache.group_deleting")
        # Signed-in pages (forum.shells) keep each reader's roles and each poster's
        # badge: a user's memberships or permissions move that user's; a group's
        # permissions, or a group saved or deleted, move everyone's.
        user_model = get_user_model()
        for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(forget_role_changes, sender=through, dispatch_uid=f"forum.shells.{through.__name__}")
        post_save.connect(forget_groups, sender=Group, dispatch_uid="forum.shells.group_saved")
        post_delete.connect(forget_groups, sender=Group, dispatch_uid="forum.shells.group_deleted")
        # ... and each poster's name, avatar and phone model.
        post_save.connect(forget_saved_author, sender=user_model, dispatch_uid="forum.shells.user_saved")
        profile_changed.connect(forget_changed_profile, dispatch_uid="forum.shells.profile_changed")
