"""Where a published release leads a fan next, for links written before anyone knows.

The publish notification (releases.publishing.notify_followers) links to the release's
"next step" address (``releases:next_step``), which redirects to what a higher app
registered in its AppConfig.ready (feedback: the four-cell report while its window is
open, the Popcorn Award after the freeze), else to the release page. Releases do not
import the apps above them; this is how they lead there.

The step is chosen when the link is followed, not when the notification is written:
a notification or an e-mail read after the freeze leads to the award, not to a closed form.
A step is called with the release (its product loaded) and the time, and returns an
address or None; it makes at most a query or two.
"""

from collections.abc import Callable
from datetime import datetime

from releases.models import Release

Step = Callable[[Release, datetime], str | None]

_steps: list[Step] = []


def register(step: Step) -> Step:
    if step not in _steps:
        _steps.append(step)
    return step


def next_step_url(release: Release, now: datetime) -> str:
    """The first registered step's address for ``release``, else its own page."""
    for step in _steps:
        url = step(release, now)
        if url:
            return url
    return release.get_absolute_url()
