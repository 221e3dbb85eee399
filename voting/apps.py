from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """History only. Ideas, polls and the four-cell reports were one app, ``voting``, until December
    2026; its migrations created the tables that ``ideas``, ``polls`` and ``feedback`` now own (their
    0001 migrations take the models over without touching a row). Remove this app once every
    database has run them and no job under an old task name can still be waiting (voting.tasks)."""

    name = "voting"
    verbose_name = _("Voting (history)")
