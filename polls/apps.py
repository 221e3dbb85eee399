from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Polls")

    def ready(self):
        # The polls box on an idea's thread page, under the idea's box (INSTALLED_APPS lists ideas first).
        from forum import panels
        from ideas.panel import concerns
        from polls import panel

        panels.register(panel.poll_panel, concerns=concerns)
