"""A fan's level: how established they are in the community, from their posts and account age.

Levels 1 to 6. A fan reaches a level when they have both the posts and the
days it asks for (so neither a week-old account with 500 posts nor a silent
account of ten years is a veteran). Each report stores the level of its fan
when it was saved (``Report.level``), so the summaries can split the result by
it and a level reached later does not rewrite last week.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Level:
    number: int
    name: str | Promise  # lazily translated: level_name() reads it
    posts: int  # at least this many posts
    days: int  # and an account at least this many days old


LEVELS = [
    Level(1, _("Newcomer"), posts=0, days=0),
    Level(2, _("Regular"), posts=5, days=7),
    Level(3, _("Fan"), posts=30, days=30),
    Level(4, _("Enthusiast"), posts=100, days=90),
    Level(5, _("Veteran"), posts=300, days=180),
    Level(6, _("Legend"), posts=1000, days=365),
]
BY_NUMBER = {level.number: level for level in LEVELS}


def level_of(*, post_count: int, date_joined: datetime, now: datetime) -> int:
    """The highest level whose posts and days the fan both has."""
    days = max((now - date_joined).days, 0)
    return max(level.number for level in LEVELS if post_count >= level.posts and days >= level.days)


def fan_level(user, now: datetime) -> int:
    return level_of(post_count=user.post_count, date_joined=user.date_joined, now=now)


def level_name(number: int) -> str:
    level = BY_NUMBER.get(number)
    return str(level.name) if level else str(number)
