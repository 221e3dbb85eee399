from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuessesConfig(AppConfig):
    name = "guesses"
    verbose_name = _("Guess the product")
