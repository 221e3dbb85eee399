"""Boxes other apps show on a release page, under its title: the four-cell report or the award (feedback).

Releases do not import the apps above them; those register a panel in their
AppConfig.ready. A panel is called with the request and the release (its
product loaded) and returns rendered HTML, or None when it has nothing to show,
in a fixed number of queries: the release page's query count is pinned by tests.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from releases.models import Release

Panel = Callable[[HttpRequest, Release], SafeString | None]

_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_panels(request: HttpRequest, release: Release) -> list[SafeString]:
    return [html for html in (panel(request, release) for panel in _panels) if html]
