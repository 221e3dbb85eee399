from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """The top of the house: the pages that read every app (home, profiles) and the demo data.
    It may import any app; no app imports it (the contract in pyproject.toml)."""

    name = "community"
    verbose_name = _("Community")
