"""Boxes other apps show on a thread page, above its posts: an idea's status and votes, a poll.

The forum does not import the apps above it (voting); they register a panel
in their AppConfig.ready. A panel is called with the request and the thread
and returns rendered HTML, or None when it has nothing to show. It must cost
no query on threads it does not concern (look at ``thread.board.holds_ideas``
and the like first) and a fixed number on those it does, because the thread
page's query count is pinned by tests. Panels render into the anonymous page
cache too: whatever changes what they show must call
``forum.pagecache.forget_after_commit``.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from forum.models import Thread

Panel = Callable[[HttpRequest, Thread], SafeString | None]

_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_panels(request: HttpRequest, thread: Thread) -> list[SafeString]:
    return [html for html in (panel(request, thread) for panel in _panels) if html]
