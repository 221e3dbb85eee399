"""The next step of the weekly loop for a release: the four-cell report while its window is open, the
Popcorn Award once the result is frozen. The release page, the announcement thread (a panel), the home
page and the publish notification lead there, so a fan is one tap from the next step wherever they are.

Releases do not import feedback: feedback registers what it shows on release pages
(releases.panels) and announcement threads (forum.panels), and where the publish notification's
link leads (releases.steps), in FeedbackConfig.ready.
"""

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from feedback import reports
from feedback.models import ReleaseTally, Report
from releases.models import Release
from releases.publishing import ANNOUNCEMENTS_BOARD


@dataclass(frozen=True)
class ReportStep:
    release: Release
    state: str  # OPEN, UPCOMING, CLOSED (waiting for the freeze) or FROZEN
    opens_at: datetime
    closes_at: datetime
    reported: bool
    signed_in: bool

    OPEN, UPCOMING, CLOSED, FROZEN = "open", "upcoming", "closed", "frozen"

    @property
    def url(self) -> str:
        name = "feedback:award" if self.state == self.FROZEN else "feedback:report"
        return reverse(name, args=[self.release.product.slug, self.release.version])

    @property
    def closes_text(self) -> str:
        return reports.closing_text(self.closes_at)

    @property
    def banner(self) -> bool:
        """The quiet reminder: a signed-in fan who has not reported, while the window is open."""
        return self.state == self.OPEN and self.signed_in and not self.reported


def report_steps(user, releases: list[Release], now: datetime) -> dict[int, ReportStep]:
    """The step of each release that takes reports, by release id (needs ``release.product``).

    At most two queries whatever the number of releases: their windows, and the
    signed-in user's reports among those open. A release published a moment ago
    whose window the tick has not opened yet is open by its default window.
    """
    releases = [release for release in releases if reports.takes_reports(release)]
    if not releases:
        return {}
    tallies = {
        tally.release_id: tally
        for tally in ReleaseTally.objects.filter(release_id__in=[release.pk for release in releases]).only(
            "release_id", "opens_at", "closes_at", "frozen_at"
        )
    }
    windows = {}
    for release in releases:
        tally = tallies.get(release.pk)
        if tally is not None:
            windows[release.pk] = (tally.opens_at, tally.closes_at, tally.frozen_at is not None)
        else:
            window = reports.window_of(release)
            windows[release.pk] = (window.opens_at, window.closes_at, False)
    open_ids = [pk for pk, (opens, closes, frozen) in windows.items() if not frozen and opens <= now < closes]
    reported = set()
    if user.is_authenticated and open_ids:
        reported = set(
            Report.objects.filter(fan_id=user.pk, release_id__in=open_ids).values_list("release_id", flat=True)
        )
    steps = {}
    for release in releases:
        opens_at, closes_at, frozen = windows[release.pk]
        if frozen:
            state = ReportStep.FROZEN
        elif now < opens_at:
            state = ReportStep.UPCOMING
        elif now < closes_at:
            state = ReportStep.OPEN
        else:
            state = ReportStep.CLOSED
        steps[release.pk] = ReportStep(
            release=release,
            state=state,
            opens_at=opens_at,
            closes_at=closes_at,
            reported=release.pk in reported,
            signed_in=user.is_authenticated,
        )
    return steps


def release_panel(request, release: Release):
    """On the release page: the way to the report (with the banner for a fan who has not reported)
    or to the award. Two queries at most, none for a release that takes no reports."""
    step = report_steps(request.user, [release], timezone.now()).get(release.pk)
    if step is None:
        return None
    return render_to_string("feedback/_report_step.html", {"step": step, "where": "release"}, request=request)


def next_step(release: Release, now: datetime) -> str | None:
    """Where the publish notification leads (releases.steps): the report while its window is open (or
    being counted), the award once frozen; None (the release page) for a release that takes no reports
    or whose window has not opened. One query, the same for every reader."""
    step = report_steps(_nobody, [release], now).get(release.pk)
    if step is None or step.state == ReportStep.UPCOMING:
        return None
    return step.url


def concerns_announcement(thread) -> bool:
    """Release announcements live in the announcements board (releases.publishing); no query."""
    return thread.board.slug == ANNOUNCEMENTS_BOARD


def announcement_panel(request, thread):
    """Above an announcement's posts: the way to the report, or to the award. Rendered into the
    anonymous page cache too, so it shows only what the window's row says (opened, closing time,
    frozen); whatever changes those moves the thread's version (feedback.reports.open_window,
    feedback.tally.freeze_release). Whether this reader reported is for the release page."""
    if not concerns_announcement(thread):
        return None
    release = (
        Release.objects.filter(announcement_id=thread.pk, state=Release.State.PUBLISHED)
        .select_related("product")
        .first()
    )
    if release is None:
        return None
    step = report_steps(_nobody, [release], timezone.now()).get(release.pk)
    if step is None or step.state == ReportStep.CLOSED:
        return None
    return render_to_string("feedback/_report_step.html", {"step": step, "where": "thread"}, request=request)


class _Nobody:
    """The panel is the same for every reader: read no one's reports."""

    is_authenticated = False
    pk = None


_nobody = _Nobody()
