"""Counting the four-cell reports, ranking the changelog items, and freezing a release's result once.

The counts come from the Report rows, always: per item its favourite (loved)
and weakest picks, per mood its reports, per idea its anticipation picks.
While the window is open they are counted from the rows when product managers
look (``live_standings``); when it closes, ``freeze_release`` counts them one
last time and stores them (ItemTally, MoodTally, IdeaTally and the per-device
and per-level SegmentTally rows): that snapshot is the result, and nothing
written later changes it. The one cached counter, ``Idea.anticipation_count``,
is rebuilt from the frozen IdeaTally rows (``recount_anticipation``).

The score. Each report gives every item of the release one of three outcomes:
loved most (+1), weakest (-1) or neither (0). With f loved picks, w weakest
picks and R reports, and one pseudo-count added to each outcome (so an item of
a release with a handful of reports cannot look certain), the mean and the
second moment are

    mu = (f - w) / (R + 3)        m2 = (f + w + 2) / (R + 3)

and the score is the lower end of a one-sided 95 % interval of the mean:

    S = mu - 1.65 * sqrt((m2 - mu**2) / (R + 4))

Ties are broken by more loved picks, then fewer weakest picks, then the
changelog's own order (position, then id): the same rows always give the same
ranking. The award page says the same (templates/feedback/_report_score_rule.html).
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise

from accounts import activity
from canyu import counters
from feedback import awards
from feedback.models import IdeaTally, ItemTally, MoodTally, ReleaseTally, Report, SegmentTally
from forum import pagecache
from ideas.models import Idea
from releases.models import ChangelogItem, Release

logger = logging.getLogger(__name__)

Z = 1.65
TOP_SHOWN = 10
# Windows frozen per tick at most; the rest wait a minute.
FREEZE_PER_TICK = 20


def score(*, loved: int, weakest: int, reports: int) -> float:
    """The ranking score of an item (module docstring): a handful of reports cannot win."""
    n = reports + 3
    mean = (loved - weakest) / n
    second = (loved + weakest + 2) / n
    return mean - Z * math.sqrt(max(second - mean * mean, 0.0) / (reports + 4))


@dataclass(frozen=True)
class Counts:
    reports: int
    loved: dict[int, int]  # item id → favourite picks
    weakest: dict[int, int]  # item id → weakest picks
    moods: dict[str, int]  # every mood, 0 included
    ideas: dict[int, int]  # idea id → anticipation picks (ideas picked at least once)


def _grouped(reports, field: str) -> dict:
    return dict(reports.order_by().values(field).annotate(n=Count("*")).values_list(field, "n"))


def count_reports(release_id: int, **where) -> Counts:
    """Every count of the release, from its Report rows (those matching ``where``, e.g. device=...,
    for the summaries' groups). Five queries (each served by the unique (release, fan) index),
    whatever the number of reports."""
    reports = Report.objects.filter(release_id=release_id, **where)
    moods = _grouped(reports, "mood")
    return Counts(
        reports=reports.count(),
        loved=_grouped(reports, "loved"),
        weakest=_grouped(reports, "weakest"),
        moods={mood: moods.get(mood, 0) for mood in Report.Mood.values},
        ideas=_grouped(reports, "awaited"),
    )


@dataclass(frozen=True)
class ItemResult:
    item: ChangelogItem
    loved: int
    weakest: int
    score: float
    rank: int

    @property
    def net(self) -> int:
        return self.loved - self.weakest

    @property
    def title(self) -> str:
        return self.item.title


def rank_items(items: list[ChangelogItem], counts: Counts) -> list[ItemResult]:
    """The release's items best first, ranks 1..n (module docstring: score, then ties)."""
    picks = [(item, counts.loved.get(item.pk, 0), counts.weakest.get(item.pk, 0)) for item in items]
    scored = [
        (item, loved, weakest, score(loved=loved, weakest=weakest, reports=counts.reports))
        for item, loved, weakest in picks
    ]
    scored.sort(key=lambda row: (-row[3], -row[1], row[2], row[0].position, row[0].pk))
    return [
        ItemResult(item, loved, weakest, item_score, rank)
        for rank, (item, loved, weakest, item_score) in enumerate(scored, start=1)
    ]


@dataclass(frozen=True)
class Standings:
    """A release's result: from the rows while the window is open, from the snapshot once frozen."""

    reports: int
    items: list  # ItemResult (live) or ItemTally (frozen), best first
    moods: list[tuple[str, str | Promise, int]]  # (mood, label, reports), in the order of Report.Mood
    ideas: list[tuple[Idea, int]]  # most picked first
    frozen: bool


def live_standings(release: Release) -> Standings:
    """For product managers and admins during the window: counted from the rows now. Seven queries."""
    counts = count_reports(release.pk)
    items = list(ChangelogItem.objects.filter(release=release).order_by("position", "pk"))
    ideas = Idea.objects.select_related("thread").in_bulk(list(counts.ideas))
    return Standings(
        reports=counts.reports,
        items=rank_items(items, counts),
        moods=[(mood.value, mood.label, counts.moods[mood.value]) for mood in Report.Mood],
        ideas=sorted(
            ((ideas[pk], picks) for pk, picks in counts.ideas.items() if pk in ideas),
            key=lambda pair: (-pair[1], pair[0].pk),
        ),
        frozen=False,
    )


def active_fans(release_id: int, opens_at: datetime) -> int:
    """The fans active since the window opened (accounts.activity), and those who reported without a
    page view recorded that day (a report is activity): two counts served by indexes, never more
    fans than the union of both."""
    day = activity.site_today(opens_at)
    unseen = Report.objects.filter(release_id=release_id).filter(
        Q(fan__last_active_on__lt=day) | Q(fan__last_active_on__isnull=True)
    )
    return activity.active_since(day) + unseen.count()


# --- Freezing -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def freeze_release(*, release_id: int, now: datetime | None = None) -> bool:
    """Freeze the result of a release whose window has closed, grant its Popcorn Award, post the
    result in its announcement thread and tell the winners. At most once, however many workers run;
    returns whether this call froze it.

    The claim is a conditional UPDATE of ``frozen_at``: on PostgreSQL it waits
    for the submissions holding the row (feedback.reports) and a second claimer
    waits for this transaction, then finds ``frozen_at`` set and updates
    nothing. Everything below is written in the claim's transaction: a worker
    killed half-way leaves the window unfrozen for the next tick.
    """
    now = now or timezone.now()
    claimed = ReleaseTally.objects.filter(pk=release_id, frozen_at=None, closes_at__lte=now).update(
        frozen_at=now, min_reports=settings.VOTING_AWARD_MIN_REPORTS
    )
    if claimed != 1:
        return False
    release = Release.objects.select_related("product", "created_by", "announcement").get(pk=release_id)
    counts = count_reports(release_id)
    ranked = rank_items(list(ChangelogItem.objects.filter(release=release).order_by("position", "pk")), counts)
    _store_counts(release, counts, ranked)
    _store_segments(release)
    opens_at = ReleaseTally.objects.values_list("opens_at", flat=True).get(pk=release_id)
    ReleaseTally.objects.filter(pk=release_id).update(
        report_count=counts.reports, active_fans=active_fans(release_id, opens_at)
    )
    recount_anticipation(list(counts.ideas))
    awards.grant_popcorn_award(release=release, ranked=ranked, reports=counts.reports, now=now)
    if release.announcement_id:
        # The announcement's panel (feedback.loop) leads to the award from now on.
        pagecache.changed(thread_ids=[release.announcement_id])
    logger.info("Froze the reports of release %s: %s reports", release_id, counts.reports)
    return True


def _store_counts(release: Release, counts: Counts, ranked: list[ItemResult]) -> None:
    ItemTally.objects.bulk_create(
        [
            ItemTally(
                release=release,
                item=result.item,
                title=result.item.title,
                loved=result.loved,
                weakest=result.weakest,
                net=result.net,
                score=result.score,
                rank=result.rank,
            )
            for result in ranked
        ]
    )
    MoodTally.objects.bulk_create([MoodTally(release=release, mood=mood, count=n) for mood, n in counts.moods.items()])
    IdeaTally.objects.bulk_create(
        [IdeaTally(release=release, idea_id=idea_id, picks=n) for idea_id, n in sorted(counts.ideas.items())]
    )


SEGMENT_FIELDS = {SegmentTally.By.DEVICE: "device", SegmentTally.By.LEVEL: "level"}
CELL_FIELDS = {
    SegmentTally.Cell.MOOD: "mood",
    SegmentTally.Cell.LOVED: "item",
    SegmentTally.Cell.WEAKEST: "item",
    SegmentTally.Cell.AWAITED: "idea",
}
REPORT_FIELDS = {
    SegmentTally.Cell.MOOD: "mood",
    SegmentTally.Cell.LOVED: "loved",
    SegmentTally.Cell.WEAKEST: "weakest",
    SegmentTally.Cell.AWAITED: "awaited",
}


def _store_segments(release: Release) -> None:
    """The per-device and per-level splits of every cell: eight GROUP BY queries and one bulk INSERT."""
    reports = Report.objects.filter(release=release).order_by()
    rows = []
    for by, by_field in SEGMENT_FIELDS.items():
        for cell, report_field in REPORT_FIELDS.items():
            field = CELL_FIELDS[cell]
            key = field if field == "mood" else f"{field}_id"
            for segment, choice, n in (
                reports.values(by_field, report_field).annotate(n=Count("*")).values_list(by_field, report_field, "n")
            ):
                rows.append(
                    SegmentTally(release=release, by=by, segment=str(segment), cell=cell, count=n, **{key: choice})
                )
    SegmentTally.objects.bulk_create(rows, batch_size=2000)


def freeze_due(*, now: datetime | None = None) -> int:
    """The minute's tick: freeze each window whose time is up (each in its own transaction).
    Returns how many this call froze."""
    now = now or timezone.now()
    due = list(
        ReleaseTally.objects.filter(frozen_at=None, closes_at__lte=now)
        .order_by("closes_at", "pk")
        .values_list("pk", flat=True)[:FREEZE_PER_TICK]
    )
    frozen = 0
    for release_id in due:
        try:
            frozen += freeze_release(release_id=release_id, now=now)
        except Exception:  # one broken release must not keep the others from their result
            logger.exception("Freezing the reports of release %s failed; the next tick tries again", release_id)
    return frozen


def recount_anticipation(idea_ids: list[int] | None = None) -> int:
    """Rebuild Idea.anticipation_count from the frozen IdeaTally rows; returns how many ideas were corrected."""
    ideas = Idea.objects.all() if idea_ids is None else Idea.objects.filter(pk__in=idea_ids)
    picks = IdeaTally.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Sum("picks")).values("n")
    return counters.recount(ideas, field="anticipation_count", actual=Coalesce(Subquery(picks), 0))
