"""Who is active: the day each signed-in user last asked for a page (User.last_active_on).

Written at most once per user per day, by a conditional UPDATE on their first
request of the day (the user row is already loaded for the request, so the
other requests of the day cost nothing). Days are the site's (settings.TIME_ZONE,
Beijing time), whatever the user's own zone: a week of the community is one
week for everyone. The feedback summaries divide a release's reports by the fans
active since its report window opened (``active_since``).
"""

import zoneinfo
from datetime import date

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from canyu import outages

SITE_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def site_today(now=None) -> date:
    return timezone.localdate(now or timezone.now(), timezone=SITE_ZONE)


def mark_active(user, now=None) -> bool:
    """Record that ``user`` is active today; returns whether this call wrote it (at most once a day)."""
    today = site_today(now)
    if user.last_active_on is not None and user.last_active_on >= today:
        return False
    written = 0
    # Written while a page is read: a read-only database (a fail-over) skips it (the next request tries again).
    with outages.skipped_when_read_only("recording the day a user was active"):
        written = User.objects.filter(pk=user.pk).exclude(last_active_on__gte=today).update(last_active_on=today)
        user.last_active_on = today
    return written == 1


def active_since(day: date) -> int:
    """Users active on ``day`` or later (served by the index on last_active_on)."""
    return User.objects.filter(last_active_on__gte=day).count()
