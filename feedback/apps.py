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

        # The medal rules that read reports and awards (honour does not import feedback).
        from feedback import honours
        from honour import medals
        from honour.models import Medal

        medals.register_rule(Medal.Rule.TEN_REPORTS, honours.ten_reports)
        medals.register_rule(Medal.Rule.REPORT_STREAK, honours.report_streak)
        medals.register_rule(Medal.Rule.POPCORN_WINNER, honours.popcorn_winner)
        medals.register_rule(Medal.Rule.FEEDBACK_FIXED, honours.feedback_fixed)
