from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        # The idea's box on its thread page (forum.panels does not import ideas).
        from forum import panels
        from ideas import panel

        panels.register(panel.idea_panel, concerns=panel.concerns, related=("idea",))

        # The "first idea shipped" medal's rule (honour does not import ideas).
        from honour import medals
        from honour.models import Medal
        from ideas import honours

        medals.register_rule(Medal.Rule.FIRST_IDEA_SHIPPED, honours.first_idea_shipped)

        # A hidden idea thread's votes give no points (forum.moderation does not import ideas).
        from forum import moderation

        moderation.on_thread_hidden(honours.take_back_vote_points)
