"""Published releases, upcoming ideas and reports for the report and award tests, built through the
process functions (preparing, publishing, statuses, reports)."""

from datetime import datetime, timedelta

from feedback import reports, tally
from feedback.models import Report
from forum.models import Board
from ideas import statuses
from ideas.models import Idea
from ideas.tests.factories import make_idea, make_pm
from releases import publishing
from releases.tests.factories import announcements_board, make_engineer, make_release

# An Orange Friday, 17:00 Beijing time; its window closes at Wednesday 00:00 Beijing time.
FRIDAY = datetime.fromisoformat("2026-11-20T17:00:00+08:00")
SATURDAY = FRIDAY + timedelta(days=1)
CLOSES = datetime.fromisoformat("2026-11-25T00:00:00+08:00")
HAPPY = Report.Mood.HAPPY


def published_release(*, product=None, items: int = 3, engineers=None, publish_at: datetime = FRIDAY, **fields):
    """A weekly release with ``items`` changelog items (all by ``engineers``), published at ``publish_at``."""
    if not Board.objects.filter(slug="announcements").exists():
        announcements_board()
    release = make_release(
        product=product,
        items=items,
        engineers=engineers or [make_engineer()],
        publish_at=publish_at,
        now=publish_at - timedelta(days=1),
        schedule=True,
        **fields,
    )
    assert publishing.publish_release(release=release, now=publish_at)
    release.refresh_from_db()
    return release


def items_of(release):
    return list(release.changelog.order_by("position", "pk"))


def upcoming_idea(product, *, status=Idea.Status.UNDER_REVIEW, **fields) -> Idea:
    """An idea of ``product`` moved to ``status`` by a product manager (new: left as proposed)."""
    idea = make_idea(product=product, **fields)
    if status != Idea.Status.NEW:
        statuses.set_status(idea=idea, by=make_pm(), status=status, note="Because.")
    idea.refresh_from_db()
    return idea


def submit(release, fan, *, loved=0, weakest=1, mood=HAPPY, idea=None, now=SATURDAY, **whys) -> Report:
    """``fan``'s report: items by their index in the changelog, the idea upcoming in the product."""
    items = items_of(release)
    idea = idea or upcoming_idea(release.product)
    return reports.submit_report(
        release=release, fan=fan, mood=mood, loved=items[loved], weakest=items[weakest], awaited=idea, now=now, **whys
    )


def frozen_week(*, engineers=None, publish_at=FRIDAY, picks=((1, 0), (1, 2)), product=None, items=3, fans=None):
    """A release with one fan's report per (loved, weakest) in ``picks`` (by ``fans`` if given), frozen
    when its window closed."""
    from accounts.tests.factories import UserFactory

    release = published_release(items=items, engineers=engineers, publish_at=publish_at, product=product)
    idea = upcoming_idea(release.product)
    reports.open_window(release=release, now=release.published_at)
    for i, (loved, weakest) in enumerate(picks):
        submit(
            release,
            fans[i] if fans else UserFactory(),
            loved=loved,
            weakest=weakest,
            idea=idea,
            now=release.published_at + timedelta(hours=1),
        )
    tally.freeze_release(release_id=release.pk, now=reports.window_of(release).closes_at)
    return release
