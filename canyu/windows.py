"""Things open for a window of time (a quiz, a teaser): listed as open now, coming up and closed."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NamedTuple


class ByWindow(NamedTuple):
    open: list[Any]  # closing soonest first
    upcoming: list[Any]  # opening soonest first
    past: list[Any]  # in the order given


def by_window(items: Iterable[Any], *, now: datetime, is_open: Callable[[Any, datetime], bool]) -> ByWindow:
    """Split rows with ``opens_at`` and ``closes_at`` by where ``now`` falls; ``is_open`` decides "open"
    (it may say no to a row inside its window: not published, already frozen)."""
    split = ByWindow([], [], [])
    for item in items:
        if is_open(item, now):
            split.open.append(item)
        elif now < item.opens_at:
            split.upcoming.append(item)
        else:
            split.past.append(item)
    split.open.sort(key=lambda item: item.closes_at)
    split.upcoming.sort(key=lambda item: item.opens_at)
    return split
