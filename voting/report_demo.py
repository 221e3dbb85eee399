"""Demo four-cell reports on last Friday's MIUI build, through the real report and tally functions.

The demo accounts (all but the engineer, who built every item) report as
they would have during the window. If the window has closed by now, the
result is frozen as the tick would have frozen it, so the award page shows it
(`make run` sets VOTING_AWARD_MIN_REPORTS=3, so five reports earn an award).
While the window is still open, product managers see the live standings and
fans wait for Wednesday. Run after the demo releases and ideas. Safe to run
again: it does nothing once the release has reports.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from releases.models import Release
from voting import reports, tally
from voting.models import AWAITABLE, Idea, Report

Mood = Report.Mood
# username, mood, loved (item index), weakest (item index), why loved
REPORTS = [
    ("fan", Mood.LOVE_IT, 0, 3, "农历终于上锁屏了！Finally the lunar date."),
    ("米粉小王", Mood.HAPPY, 0, 1, "过年抢票再也不用翻日历。"),
    ("pm_lin", Mood.LOOKING_FORWARD, 4, 1, "Wi-Fi 稳了。Wi-Fi is steady now."),
    ("moderator", Mood.HAPPY, 0, 2, ""),
    ("admin", Mood.SAD, 2, 1, "待机还是有点耗电。"),
]


def create_demo_reports(*, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    release = (Release.objects.published().filter(product__slug="miui", channel=Release.Channel.WEEKLY)
               .select_related("product").order_by("-published_at").first())
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
        reports.submit_report(release=release, fan=users[username], mood=mood, loved=items[loved],
                              weakest=items[weakest], awaited=ideas[number % len(ideas)], why_loved=why,
                              now=reported_at)
    if window.closes_at <= now:
        tally.freeze_release(release_id=release.pk, now=window.closes_at)
    return True
