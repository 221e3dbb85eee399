"""Levels: how established a person is, from the points others gave them and the age of their account.

A person reaches a level when they have both its points and its days
(``settings.HONOUR_LEVELS``: a week-old account with many likes is not a
veteran, nor is a silent account of ten years). "Days" are the account's age
in days: Canyu records the last day each person was active, not how many.

The level is kept on the person's ``Standing`` row, rewritten in the same
statement as their points (honour.points) and each night by the recount (age
moves without any write), so pages that already read an author read their level
in the same query (a join on honour_standing), never one more.

At ``settings.HONOUR_TRUSTED_LEVEL`` the limits of new accounts (forum.ratelimits:
first-day caps, bursts, links, images and mentions) no longer apply, whatever
the account's age: ``is_trusted``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Level:
    number: int
    name: str | Promise  # lazily translated: level_name() reads it
    points: int  # at least this many points
    days: int  # and an account at least this many days old


NAMES = [
    pgettext_lazy("honour level", "Newcomer"),
    pgettext_lazy("honour level", "Regular"),
    pgettext_lazy("honour level", "Fan"),
    pgettext_lazy("honour level", "Enthusiast"),
    pgettext_lazy("honour level", "Veteran"),
    pgettext_lazy("honour level", "Elder"),
]


def levels() -> list[Level]:
    """The levels in order, from settings.HONOUR_LEVELS ((points, days) per level, the first (0, 0))."""
    return [
        Level(number, NAMES[number - 1] if number <= len(NAMES) else str(number), points=points, days=days)
        for number, (points, days) in enumerate(settings.HONOUR_LEVELS, start=1)
    ]


def level_of(*, points: int, date_joined: datetime, now: datetime) -> int:
    """The highest level whose points and days the person both has (1 at least)."""
    days = max((now - date_joined).days, 0)
    return max(
        (
            number
            for number, (need, age) in enumerate(settings.HONOUR_LEVELS, start=1)
            if points >= need and days >= age
        ),
        default=1,
    )


def level_name(number: int | None) -> str:
    """The level's name in the current language ("" for no level)."""
    if not number:
        return ""
    return str(NAMES[number - 1]) if number <= len(NAMES) else str(number)


def is_trusted(level: int | None) -> bool:
    """Whether the level lifts the limits of new accounts."""
    return (level or 1) >= settings.HONOUR_TRUSTED_LEVEL


def standing_level(user) -> int:
    """``user``'s stored level (1 without a standing). Reads user.standing: select_related it to spare a query."""
    try:
        return user.standing.level
    except (AttributeError, ObjectDoesNotExist):
        return 1
