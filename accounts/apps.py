from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from accounts import usercache
        from accounts.models import User
        from accounts.roles import ensure_roles

        # After auth has created the permissions (apps migrate in order,
        # post_migrate handlers run after all of them).
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
        post_save.connect(usercache.forget_saved, sender=User, dispatch_uid="accounts.usercache.saved")
        post_delete.connect(usercache.forget_saved, sender=User, dispatch_uid="accounts.usercache.deleted")
