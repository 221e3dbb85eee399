"""When Orange Friday is, which version a release gets by default, which releases are due.

Times are stored in UTC; the team's week is reckoned in Asia/Shanghai, which
has had no daylight saving since 1991, so "Friday 17:00" is always 09:00 UTC.
The code does not rely on that: it builds the local time and converts it.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, Min, Q
from django.db.models.functions import Lower

from releases.models import Release

SHANGHAI = ZoneInfo("Asia/Shanghai")
ORANGE_FRIDAY_WEEKDAY = 4  # Monday is 0
ORANGE_FRIDAY_TIME = time(17, 0)


def next_orange_friday(after: datetime) -> datetime:
    """The first Friday 17:00 Asia/Shanghai strictly after ``after``, in UTC.

    Strictly after: a release prepared on Friday at 16:00 defaults to 17:00 the
    same day, one prepared at 17:00:00 or later to the next week (17:00:00 is
    already due, and scheduling refuses a time that is not in the future).
    """
    if after.tzinfo is None:
        raise ValueError("next_orange_friday needs an aware datetime")
    local = after.astimezone(SHANGHAI)
    days_ahead = (ORANGE_FRIDAY_WEEKDAY - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days_ahead), ORANGE_FRIDAY_TIME, tzinfo=SHANGHAI)
    if candidate <= local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), ORANGE_FRIDAY_TIME, tzinfo=SHANGHAI)
    return candidate.astimezone(ZoneInfo("UTC"))


def orange_friday_of(moment: datetime) -> datetime:
    """The Orange Friday a build published at ``moment`` stands for: the first Friday 17:00 at or after it
    (published early on Friday at 14:00, or on Thursday: that Friday)."""
    return next_orange_friday(moment - timedelta(microseconds=1))


def next_free_orange_friday(*, now: datetime, product=None) -> datetime:
    """The first Orange Friday after ``now`` and after the latest weekly build scheduled or published
    (of ``product``, or of any product): what "create the next release" offers. After an early publish
    on Friday afternoon that is next Friday, not 17:00 today. One query."""
    weekly = Release.objects.filter(
        channel=Release.Channel.WEEKLY, state__in=[Release.State.SCHEDULED, Release.State.PUBLISHED]
    )
    if product is not None:
        weekly = weekly.filter(product=product)
    latest = weekly.aggregate(latest=Max("publish_at"))["latest"]
    friday = next_orange_friday(now)
    if latest is not None:
        friday = max(friday, next_orange_friday(orange_friday_of(latest)))
    return friday


def next_build_at(now: datetime) -> datetime:
    """What the home page counts down to: the earliest weekly release scheduled (an overdue one is due
    at the next tick); without one, the first Orange Friday after ``now`` that no published weekly
    build has taken already (an early publish on Friday takes that Friday). One query."""
    times = Release.objects.filter(channel=Release.Channel.WEEKLY).aggregate(
        scheduled=Min("publish_at", filter=Q(state=Release.State.SCHEDULED)),
        published=Max("publish_at", filter=Q(state=Release.State.PUBLISHED)),
    )
    if times["scheduled"] is not None:
        return max(times["scheduled"], now)
    friday = next_orange_friday(now)
    if times["published"] is not None and orange_friday_of(times["published"]) >= friday:
        friday = next_orange_friday(friday)
    return friday


def default_version(*, publish_at: datetime, product=None) -> str:
    """yy.m.d of the publish day in Shanghai (26.11.27); with a product, the first free one
    of 26.11.27, 26.11.27.1, 26.11.27.2, ... (versions compare without case)."""
    day = publish_at.astimezone(SHANGHAI).date()
    base = f"{day:%y}.{day.month}.{day.day}"
    if product is None:
        return base
    taken = set(
        Release.objects.filter(product=product)
        .annotate(key=Lower("version"))
        .filter(key__startswith=base)
        .values_list("key", flat=True)
    )
    version, suffix = base, 0
    while version in taken:
        suffix += 1
        version = f"{base}.{suffix}"
    return version


def due_releases(now: datetime):
    """Scheduled releases whose time has come (served by the partial index releases_due).

    ``publish_at <= now``: a release for 17:00:00 is due at 17:00:00, not at
    16:59:59; one whose time passed while nobody ran the beat is due at the next tick.
    """
    return Release.objects.filter(state=Release.State.SCHEDULED, publish_at__lte=now).order_by("publish_at", "pk")


def in_shanghai(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)
