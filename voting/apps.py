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

        # The way to the report or the award: on release pages and announcement threads (voting.loop).
        from releases import panels as release_panels
        from voting import loop

        release_panels.register(loop.release_panel)
        panels.register(loop.announcement_panel, concerns=loop.concerns_announcement, shared=True)
