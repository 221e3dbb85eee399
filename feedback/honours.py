"""The medal rules feedback knows the answers to (registered with honour.medals in FeedbackConfig.ready):
ten four-cell reports, reports several Orange Fridays running, the Popcorn Award, feedback that was fixed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count

from feedback.models import Award, Report
from releases.models import Release
from releases.scheduling import in_shanghai

TEN = 10


def ten_reports(now: datetime):
    """Fans with at least ten four-cell reports."""
    return Report.objects.values("fan_id").annotate(n=Count("*")).filter(n__gte=TEN).values_list("fan_id", flat=True)


def _week(moment: datetime) -> int:
    """The number of the Shanghai week (from Monday) of ``moment``, counted from an epoch."""
    local = in_shanghai(moment).date()
    return (local - timedelta(days=local.weekday())).toordinal() // 7


def report_streak(now: datetime):
    """Fans who filed a report in each of the last HONOUR_STREAK_WEEKS weeks (this one included).
    The job runs every 15 minutes, so a streak is seen while it lasts."""
    weeks = settings.HONOUR_STREAK_WEEKS
    this_week = _week(now)
    since = now - timedelta(weeks=weeks + 1)
    seen: dict[int, set[int]] = {}
    for fan_id, created_at in Report.objects.filter(created_at__gte=since).values_list("fan_id", "created_at"):
        seen.setdefault(fan_id, set()).add(_week(created_at))
    wanted = set(range(this_week - weeks + 1, this_week + 1))
    return [fan_id for fan_id, fan_weeks in seen.items() if wanted <= fan_weeks]


def popcorn_winner(now: datetime):
    """Engineers who won a Popcorn Award."""
    return Award.objects.values_list("engineer_id", flat=True).distinct()


def feedback_fixed(now: datetime):
    """Fans who rated an item the weakest that a published item of a later release follows up (fixes
    or improves: ChangelogItem.follows_up, set by the release's editors)."""
    return (
        Report.objects.filter(weakest__follow_ups__release__state=Release.State.PUBLISHED)
        .values_list("fan_id", flat=True)
        .distinct()
    )
