from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.roles import ensure_roles

        # After auth has created the permissions (apps migrate in order,
        # post_migrate handlers run after all of them).
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
