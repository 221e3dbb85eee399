from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonourConfig(AppConfig):
    name = "honour"
    verbose_name = _("Points, levels and medals")
