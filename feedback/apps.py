from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Four-cell reports and awards")

    def ready(self):
        # The way to the report or the award: on release pages, announcement threads and from the
        # publish notification (feedback.loop).
        from feedback import loop
        from forum import panels
        from releases import panels as release_panels, steps as release_steps

        release_panels.register(loop.release_panel)
        release_steps.register(loop.next_step)
        panels.register(loop.announcement_panel, concerns=loop.concerns_announcement, shared=True)
