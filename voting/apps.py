from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self):
        # Boxes on thread pages (forum.panels), in the order they appear.
        from forum import panels
        from voting import idea_panel

        panels.register(idea_panel.idea_panel, concerns=idea_panel.concerns, related=("idea",))

        from voting import poll_panel

        panels.register(poll_panel.poll_panel, concerns=idea_panel.concerns)
