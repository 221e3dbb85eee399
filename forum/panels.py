"""Boxes other apps show on a thread page, above its posts: an idea's status and votes, a poll.

The forum does not import the apps above it (voting); they register a panel
in their AppConfig.ready. A panel is called with the request and the thread
and returns rendered HTML, or None when it has nothing to show. It must cost
no query on threads it does not concern (look at ``thread.board.holds_ideas``
and the like first) and a fixed number on those it does, because the thread
page's query count is pinned by tests. Panels render into the anonymous page
cache too: whatever changes what they show must call
``forum.pagecache.changed`` in its transaction.

A panel registers with ``concerns``, which says without a query whether it may
show anything on a thread, and may name ``related`` rows of the thread (a
reverse one-to-one such as an idea's) that ``forum.access.access_thread``
reads in its own query, so ``concerns`` can look at them for free. Signed-in readers' pages come from shells
(forum.shells): a thread some panel concerns gets a hole where the panels go,
and each request renders its reader's panels into it.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from forum.models import Thread

Panel = Callable[[HttpRequest, Thread], SafeString | None]
Concerns = Callable[[Thread], bool]

_panels: list[tuple[Panel, Concerns, bool]] = []
_related: set[str] = set()


def register(panel: Panel, *, concerns: Concerns, related: tuple[str, ...] = (), shared: bool = False) -> Panel:
    """``shared``: the panel shows the same to every reader (it reads no user), so a signed-in readers' shell
    holds it as rendered, like the anonymous page, instead of rendering it for each request in the shell's
    panels hole (an announcement's way to the report: one query and a template per signed-in view saved).
    Whatever changes what it shows must move the thread's version, as for any part of a shared page."""
    if panel not in [registered for registered, _, _ in _panels]:
        _panels.append((panel, concerns, shared))
    _related.update(related)
    return panel


def related() -> tuple[str, ...]:
    """The thread's relations panels look at, for select_related (joined: no query of their own)."""
    return tuple(sorted(_related))


def concern(thread: Thread) -> bool:
    """Whether any panel of each reader's own may show something on this thread (no query): whether the
    thread's shell needs a panels hole."""
    return any(concerns(thread) for _, concerns, shared in _panels if not shared)


def render_panels(request: HttpRequest, thread: Thread, *, shared: bool | None = None) -> list[SafeString]:
    """The panels' HTML, the shared ones first: all of them (``shared=None``, a page rendered whole), the
    shared ones (a shell) or each reader's own (the shell's panels hole)."""
    chosen = [
        (panel, concerns)
        for want in (True, False)
        if shared is None or shared is want
        for panel, concerns, is_shared in _panels
        if is_shared is want
    ]
    return [html for html in (panel(request, thread) for panel, concerns in chosen if concerns(thread)) if html]
