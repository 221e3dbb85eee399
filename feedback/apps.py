from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Four-cell reports and awards")

    def ready(self):
        # The way to the report or the award: on release pages and announcement threads (feedback.loop).
        from feedback import loop
        from forum import panels
        from releases import panels as release_panels

        release_panels.register(loop.release_panel)
        panels.register(loop.announcement_panel, concerns=loop.concerns_announcement, shared=True)
