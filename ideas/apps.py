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
