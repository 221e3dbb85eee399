"""Demo four-cell reports on last Friday's MIUI build, through the real report and tally functions.

The demo accounts (all but the engineer, who built every item) report as
they would have during the window. If the window has closed by now, the
result is frozen as the tick would have frozen it, so the award page shows it
(`make run` sets VOTING_AWARD_MIN_REPORTS=3, so five reports earn an award).
While the window is still open, product managers see the live standings and
fans wait for Wednesday. Run after the demo releases and ideas. Safe to run
again: it does nothing once the release has reports.

The builds of the weeks before (releases.demo.PAST_WEEKS) get reports too, each
frozen and awarded, so the trend and the season's table have weeks to show.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from feedback import reports, tally
from feedback.models import AWAITABLE, Report
from ideas.models import Idea
from releases.models import Release

Mood = Report.Mood
# username, mood, loved (item index), weakest (item index), why loved
REPORTS = [
    ("fan", Mood.LOVE_IT, 0, 3, "农历终于上锁屏了！Finally the lunar date."),
    ("米粉小王", Mood.HAPPY, 0, 1, "过年抢票再也不用翻日历。"),
    ("pm_lin", Mood.LOOKING_FORWARD, 4, 1, "Wi-Fi 稳了。Wi-Fi is steady now."),
    ("moderator", Mood.HAPPY, 0, 2, ""),
    ("admin", Mood.SAD, 2, 1, "待机还是有点耗电。"),
]


# For each earlier week: (username, mood, loved, weakest) with items by index; a different winner each week.
PAST_REPORTS = [
    [
        ("fan", Mood.HAPPY, 0, 3),
        ("米粉小王", Mood.LOVE_IT, 0, 2),
        ("pm_lin", Mood.HAPPY, 1, 3),
        ("moderator", Mood.LOOKING_FORWARD, 0, 1),
        ("admin", Mood.HAPPY, 2, 3),
    ],
    [
        ("fan", Mood.SAD, 1, 0),
        ("米粉小王", Mood.HAPPY, 0, 1),
        ("pm_lin", Mood.LOVE_IT, 0, 3),
        ("moderator", Mood.HAPPY, 0, 2),
        ("admin", Mood.LOVE_IT, 3, 1),
    ],
    [
        ("fan", Mood.LOVE_IT, 0, 1),
        ("米粉小王", Mood.LOVE_IT, 0, 3),
        ("pm_lin", Mood.HAPPY, 2, 1),
        ("moderator", Mood.HAPPY, 0, 3),
        ("admin", Mood.LOOKING_FORWARD, 1, 3),
    ],
]


def create_past_reports(*, now: datetime | None = None) -> int:
    """Reports on MIUI's earlier weekly builds (all but the latest) that have none, frozen and
    awarded when their window has closed; returns how many builds got reports."""
    now = now or timezone.now()
    releases = list(
        Release.objects.published()
        .filter(product__slug="miui", channel=Release.Channel.WEEKLY)
        .select_related("product")
        .order_by("-published_at")[1 : 1 + len(PAST_REPORTS)]
    )
    users = {user.username: user for user in User.objects.filter(username__in=[row[0] for row in REPORTS])}
    reported = 0
    # strict=False: a site may have fewer earlier builds than PAST_REPORTS has weeks; the weeks left over wait.
    for release, rows in zip(reversed(releases), PAST_REPORTS, strict=False):
        if Report.objects.filter(release=release).exists() or len(users) < len(rows):
            continue
        items = list(release.changelog.order_by("position", "pk"))
        ideas = list(Idea.objects.filter(product=release.product, status__in=AWAITABLE).order_by("-vote_count", "pk"))
        if len(items) < 4 or not ideas:
            continue
        window = reports.window_of(release)
        reports.open_window(release=release, now=window.opens_at)
        for number, (username, mood, loved, weakest) in enumerate(rows):
            reports.submit_report(
                release=release,
                fan=users[username],
                mood=mood,
                loved=items[loved],
                weakest=items[weakest],
                awaited=ideas[number % len(ideas)],
                now=window.opens_at + timedelta(hours=2 + number),
            )
        if window.closes_at <= now:
            tally.freeze_release(release_id=release.pk, now=window.closes_at)
        reported += 1
    return reported


def create_demo_reports(*, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    release = (
        Release.objects.published()
        .filter(product__slug="miui", channel=Release.Channel.WEEKLY)
        .select_related("product")
        .order_by("-published_at")
        .first()
    )
    if release is None or Report.objects.filter(release=release).exists():
        return False
    items = list(release.changelog.order_by("position", "pk"))
    ideas = list(Idea.objects.filter(product=release.product, status__in=AWAITABLE).order_by("-vote_count", "pk"))
    users = {user.username: user for user in User.objects.filter(username__in=[row[0] for row in REPORTS])}
    window = reports.window_of(release)
    if not items or not ideas or len(users) < len(REPORTS):
        return False
    reports.open_window(release=release, now=window.opens_at)
    reported_at = min(now, window.opens_at + timedelta(days=1))
    for number, (username, mood, loved, weakest, why) in enumerate(REPORTS):
        reports.submit_report(
            release=release,
            fan=users[username],
            mood=mood,
            loved=items[loved],
            weakest=items[weakest],
            awaited=ideas[number % len(ideas)],
            why_loved=why,
            now=reported_at,
        )
    if window.closes_at <= now:
        tally.freeze_release(release_id=release.pk, now=window.closes_at)
    return True
