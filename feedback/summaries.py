"""The product managers' feedback summaries: one release's four-cell reports read as a summary,
and the trend across a product's releases. Only for ``accounts.read_feedback`` (feedback.summary_views).

Where the numbers come from. Once a window is frozen, from the snapshot the
freeze stored (ItemTally, MoodTally, IdeaTally, SegmentTally, ReleaseTally's
report_count and active_fans): a few indexed reads, whatever the number of
reports. While it is open, from the Report rows, counted at most once every
``VOTING_LIVE_SUMMARY_SECONDS`` per release and group and shared by every
reader (the page says how old the count is). The "why" comments are always
read from the rows, a page at a time, newest first.

A group. The whole summary can be narrowed to one group of reporters: the
owners of one device model, or the fans of one level (the device and level
each report recorded when it was saved). The item table is then ranked within
the group by the same score (feedback.tally), with the group's reports as R.
"""

import csv
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from accounts.models import User
from feedback import pages, tally
from feedback.models import Award, IdeaTally, ItemTally, MoodTally, ReleaseTally, Report, SegmentTally
from feedback.tally import Counts
from honour import levels
from ideas.models import Idea
from releases.models import ChangelogItem, Product, Release

DEVICES_SHOWN = 12  # the device models with most reports; the others are folded into one row
IDEAS_SHOWN = 10
COMMENTS_PER_PAGE = 30
COMMENT_MAX_QUERY = 100  # characters of a comment search
TRENDS_PER_PAGE = 20
CSV_CHUNK = 2000

BY = SegmentTally.By
CELL = SegmentTally.Cell
# The Report field that holds each cell's choice and the one that holds its "why". Keyed by str: they are
# looked up with the cell read from a row or a query string.
CHOICE_FIELDS: dict[str, str] = {
    CELL.MOOD: "mood",
    CELL.LOVED: "loved_id",
    CELL.WEAKEST: "weakest_id",
    CELL.AWAITED: "awaited_id",
}
WHY_FIELDS: dict[str, str] = {
    CELL.MOOD: "why_mood",
    CELL.LOVED: "why_loved",
    CELL.WEAKEST: "why_weakest",
    CELL.AWAITED: "why_awaited",
}
REPORT_GROUP_FIELDS: dict[str, str] = {BY.DEVICE: "device", BY.LEVEL: "level"}
OTHER_DEVICES = gettext_lazy("Other models")
NO_DEVICE = gettext_lazy("Not given")


# --- Which reports: the whole release or one group ----------------------------------------------


@dataclass(frozen=True)
class Group:
    """All reports (by == "") or those of one device model / one level."""

    by: str = ""
    segment: str = ""

    @classmethod
    def from_query(cls, by, segment) -> "Group":
        """From the query string; anything that is not a group means all reports (never an error)."""
        if by not in BY.values or segment is None or len(segment) > 60 or "\x00" in segment:
            return cls()  # (PostgreSQL refuses NUL in a string: no device model holds one)
        if by == BY.LEVEL and segment not in {str(level.number) for level in levels.levels()}:
            return cls()
        return cls(by, segment)

    def __bool__(self):
        return bool(self.by)

    @property
    def label(self) -> str:
        if self.by == BY.LEVEL:
            return _("Level %(number)s · %(name)s") % {
                "number": self.segment,
                "name": levels.level_name(int(self.segment)),
            }
        return self.segment or str(NO_DEVICE)

    def report_filter(self) -> dict:
        if not self:
            return {}
        return {REPORT_GROUP_FIELDS[self.by]: int(self.segment) if self.by == BY.LEVEL else self.segment}

    def query(self) -> dict:
        return {"by": self.by, "segment": self.segment} if self else {}

    @property
    def querystring(self) -> str:
        return urlencode(self.query())


# --- The counts ----------------------------------------------------------------------------------


def _cached(key: str, compute):
    """A live count shared by every reader for VOTING_LIVE_SUMMARY_SECONDS: (value, counted_at)."""
    found = cache.get(key)
    if found is None:
        found = (compute(), timezone.now())
        cache.set(key, found, settings.VOTING_LIVE_SUMMARY_SECONDS)
    return found


def frozen_counts(release: Release, tally_row: ReleaseTally, group: Group) -> tuple[Counts, dict[int, str]]:
    """The counts the freeze stored, of the release or of one group, and the items' titles as they
    were when frozen (an item edited later keeps its result's title). Three queries either way."""
    items = list(ItemTally.objects.filter(release=release).values_list("item_id", "loved", "weakest", "title"))
    titles = {item: title for item, _loved, _weakest, title in items}
    if not group:
        return Counts(
            reports=tally_row.report_count,
            loved={item: loved for item, loved, _weakest, _title in items},
            weakest={item: weakest for item, _loved, weakest, _title in items},
            moods=dict.fromkeys(Report.Mood.values, 0)
            | dict(MoodTally.objects.filter(release=release).values_list("mood", "count")),
            ideas=dict(IdeaTally.objects.filter(release=release).values_list("idea_id", "picks")),
        ), titles
    loved, weakest, ideas, moods = {}, {}, {}, dict.fromkeys(Report.Mood.values, 0)
    rows = SegmentTally.objects.filter(release=release, by=group.by, segment=group.segment).values_list(
        "cell", "mood", "item_id", "idea_id", "count"
    )
    for cell, mood, item_id, idea_id, n in rows:
        if cell == CELL.MOOD:
            moods[mood] = n
        elif cell == CELL.LOVED:
            loved[item_id] = n
        elif cell == CELL.WEAKEST:
            weakest[item_id] = n
        else:
            ideas[idea_id] = n
    return Counts(reports=sum(moods.values()), loved=loved, weakest=weakest, moods=moods, ideas=ideas), titles


def live_counts(release: Release, group: Group) -> tuple[Counts, datetime]:
    return _cached(
        f"summary:counts:{release.pk}:{group.by}:{group.segment}",
        lambda: tally.count_reports(release.pk, **group.report_filter()),
    )


@dataclass(frozen=True)
class SegmentRow:
    group: Group
    reports: int
    share: float  # of all the release's reports, in %
    moods: list  # MoodShare
    loved: "ItemRow | None"  # the group's most loved item (most picks)
    weakest: "ItemRow | None"
    loved_share: float = 0.0  # of the group's reports, in %
    weakest_share: float = 0.0
    folded: int = 0  # for the "other models" row: how many models it holds


def _segment_counts_frozen(release: Release, by: str) -> dict[str, dict]:
    """segment → {"moods": {...}, "loved": {...}, "weakest": {...}} from the stored split (one query)."""
    groups: dict[str, dict] = {}
    rows = SegmentTally.objects.filter(
        release=release, by=by, cell__in=[CELL.MOOD, CELL.LOVED, CELL.WEAKEST]
    ).values_list("segment", "cell", "mood", "item_id", "count")
    for segment, cell, mood, item_id, n in rows:
        counts = groups.setdefault(segment, {"moods": {}, "loved": {}, "weakest": {}})
        if cell == CELL.MOOD:
            counts["moods"][mood] = n
        else:
            counts[cell][item_id] = n
    return groups


def _segment_counts_live(release: Release, by: str) -> dict[str, dict]:
    """The same from the rows: three GROUP BY queries."""
    reports = Report.objects.filter(release=release).order_by()
    group_field = REPORT_GROUP_FIELDS[by]
    groups: dict[str, dict] = {}
    for cell, report_field in (("moods", "mood"), ("loved", "loved_id"), ("weakest", "weakest_id")):
        for segment, choice, n in (
            reports.values(group_field, report_field).annotate(n=Count("*")).values_list(group_field, report_field, "n")
        ):
            groups.setdefault(str(segment), {"moods": {}, "loved": {}, "weakest": {}})[cell][choice] = n
    return groups


def _top(counts: dict[int, int]) -> tuple[int | None, int]:
    """The most picked item (ties: the lowest id, so the same rows give the same answer) and its picks."""
    if not counts:
        return None, 0
    item_id = min(counts, key=lambda pk: (-counts[pk], pk))
    return item_id, counts[item_id]


def segment_rows(by: str, groups: dict[str, dict], items: dict[int, "ItemRow"], total: int) -> list[SegmentRow]:
    """A table of groups: levels in order; device models by reports, the smallest folded into one row."""

    def row(group: Group, counts: dict, folded: int = 0) -> SegmentRow:
        reports = sum(counts["moods"].values())
        loved_id, loved_n = _top(counts["loved"])
        weakest_id, weakest_n = _top(counts["weakest"])
        return SegmentRow(
            group=group,
            reports=reports,
            share=_percent(reports, total),
            moods=mood_shares(counts["moods"], reports),
            loved=items.get(loved_id) if loved_id is not None else None,
            weakest=items.get(weakest_id) if weakest_id is not None else None,
            loved_share=_percent(loved_n, reports),
            weakest_share=_percent(weakest_n, reports),
            folded=folded,
        )

    if by == BY.LEVEL:
        return [row(Group(by, segment), counts) for segment, counts in sorted(groups.items(), key=lambda g: int(g[0]))]
    ordered = sorted(groups.items(), key=lambda g: (-sum(g[1]["moods"].values()), g[0]))
    rows = [row(Group(by, segment), counts) for segment, counts in ordered[:DEVICES_SHOWN]]
    rest = ordered[DEVICES_SHOWN:]
    if rest:
        merged: dict[str, dict] = {"moods": {}, "loved": {}, "weakest": {}}
        for _segment, counts in rest:
            for cell, choices in counts.items():
                for choice, n in choices.items():
                    merged[cell][choice] = merged[cell].get(choice, 0) + n
        rows.append(row(Group(), merged, folded=len(rest)))
    return rows


# --- The summary of one release ------------------------------------------------------------------


def _percent(part: int, whole: int | None) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass(frozen=True)
class MoodShare:
    mood: str
    label: str | Promise  # lazily translated
    count: int
    percent: float
    offset: float = 0.0  # where its part of a stacked bar starts, in %


def mood_shares(moods: dict[str, int], reports: int) -> list[MoodShare]:
    shares, offset = [], 0.0
    for mood in Report.Mood:
        count = moods.get(mood.value, 0)
        percent = _percent(count, reports)
        shares.append(MoodShare(mood.value, mood.label, count, percent, offset))
        offset = round(offset + percent, 1)
    return shares


@dataclass(frozen=True)
class ItemRow:
    rank: int
    item_id: int
    title: str
    engineers: list[str]
    loved: int
    weakest: int
    score: float
    loved_share: float  # of the reports, in %
    weakest_share: float

    @property
    def net(self) -> int:
        return self.loved - self.weakest


def item_rows(items: list[ChangelogItem], counts: Counts, titles: dict[int, str]) -> list[ItemRow]:
    """Every item of the release, ranked by feedback.tally's score and rule for ties."""
    return [
        ItemRow(
            rank=result.rank,
            item_id=result.item.pk,
            title=titles.get(result.item.pk, result.item.title),
            engineers=[owner.shown_name for owner in result.item.owners.all()],
            loved=result.loved,
            weakest=result.weakest,
            score=result.score,
            loved_share=_percent(result.loved, counts.reports),
            weakest_share=_percent(result.weakest, counts.reports),
        )
        for result in tally.rank_items(items, counts)
    ]


@dataclass(frozen=True)
class Participation:
    reports: int
    active_fans: int | None
    share: float | None  # reports over active fans, in %


@dataclass(frozen=True)
class Comparison:
    """This release against the product's previous frozen one."""

    release: Release
    tally: ReleaseTally
    participation: Participation
    moods: list  # (MoodShare before, MoodShare now, change in points)
    report_change: int
    share_change: float | None


@dataclass
class Summary:
    release: Release
    tally: ReleaseTally | None
    state: str
    group: Group
    frozen: bool = False
    counted_at: datetime | None = None  # for a live summary: when its counts were taken
    participation: Participation | None = None
    items: list = field(default_factory=list)  # ItemRow, best first
    moods: list = field(default_factory=list)  # MoodShare
    ideas: list = field(default_factory=list)  # (Idea, picks, share %)
    devices: list = field(default_factory=list)  # SegmentRow
    levels: list = field(default_factory=list)  # SegmentRow
    previous: Comparison | None = None

    @property
    def has_counts(self) -> bool:
        return self.participation is not None

    @property
    def mood_rows(self) -> list[tuple[MoodShare, float | None]]:
        """Each mood's share with its change in points since the previous week (None without one)."""
        changes = {now.mood: change for _before, now, change in self.previous.moods} if self.previous else {}
        return [(share, changes.get(share.mood)) for share in self.moods]


def release_items(release: Release) -> list[ChangelogItem]:
    """The release's items in changelog order, with their engineers (two queries)."""
    return list(
        ChangelogItem.objects.filter(release=release)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("owners", queryset=User.objects.order_by("username")))
    )


@dataclass(frozen=True)
class Source:
    """Where a summary's counts come from: the snapshot (frozen), the rows (live), or nowhere yet."""

    tally: ReleaseTally | None
    state: str
    counts: Counts | None = None
    titles: dict = field(default_factory=dict)  # item id → title when frozen
    counted_at: datetime | None = None  # live: when the shared count was taken

    @property
    def frozen(self) -> bool:
        return self.state == "frozen"


def source(release: Release, now: datetime, group: Group) -> Source:
    """The release's window and its counts (of ``group``): 4 queries frozen, 1 live (the counts cached)."""
    tally_row = ReleaseTally.objects.filter(release=release).first()
    state = pages.window_state(release, tally_row, now)
    if state == "frozen" and tally_row is not None:  # (frozen means there is a row)
        counts, titles = frozen_counts(release, tally_row, group)
        return Source(tally_row, state, counts, titles)
    if state in ("open", "closed") and tally_row is not None:
        counts, counted_at = live_counts(release, group)
        return Source(tally_row, state, counts, counted_at=counted_at)
    return Source(tally_row, state)


def item_table(release: Release, now: datetime, group: Group = Group()) -> list[ItemRow]:
    """Only the ranked updates (the updates CSV): the source and the items, nothing else."""
    found = source(release, now, group)
    return item_rows(release_items(release), found.counts, found.titles) if found.counts else []


def summary(release: Release, now: datetime, group: Group = Group()) -> Summary:
    """Everything on the summary page but the comments. Frozen: 9 queries (11 with a previous
    release); live: the same reads of the items and ideas, the counts from the shared cache."""
    found = source(release, now, group)
    result = Summary(
        release=release,
        tally=found.tally,
        state=found.state,
        group=group,
        frozen=found.frozen,
        counted_at=found.counted_at,
    )
    counts, tally_row = found.counts, found.tally
    if counts is None or tally_row is None:  # (counts come with the row they were read for)
        return result
    if found.frozen:
        active = tally_row.active_fans
        segments = {by: _segment_counts_frozen(release, by) for by in BY.values}
    else:
        active, _at = _cached(f"summary:active:{release.pk}", lambda: tally.active_fans(release.pk, tally_row.opens_at))
        segments = {
            by: _cached(f"summary:segments:{release.pk}:{by}", lambda by=by: _segment_counts_live(release, by))[0]
            for by in BY.values
        }
    items = item_rows(release_items(release), counts, found.titles)
    by_id = {row.item_id: row for row in items}
    result.participation = Participation(counts.reports, active, _percent(counts.reports, active) if active else None)
    result.items = items
    result.moods = mood_shares(counts.moods, counts.reports)
    result.ideas = awaited_ideas(counts)
    # Every report has a level: the level split adds up to the release's reports.
    total = sum(sum(level["moods"].values()) for level in segments[BY.LEVEL].values())
    result.devices = segment_rows(BY.DEVICE, segments[BY.DEVICE], by_id, total)
    result.levels = segment_rows(BY.LEVEL, segments[BY.LEVEL], by_id, total)
    if not group:
        result.previous = comparison(release, result)
    return result


def awaited_ideas(counts: Counts) -> list[tuple[Idea, int, float]]:
    top = sorted(counts.ideas.items(), key=lambda pair: (-pair[1], pair[0]))[:IDEAS_SHOWN]
    ideas = Idea.objects.select_related("thread").in_bulk([pk for pk, _n in top])
    return [(ideas[pk], n, _percent(n, counts.reports)) for pk, n in top if pk in ideas]


def previous_tally(release: Release) -> ReleaseTally | None:
    """The product's latest frozen result of a release published before this one."""
    return (
        ReleaseTally.objects.filter(
            release__product_id=release.product_id,
            frozen_at__isnull=False,
            release__published_at__lt=release.published_at,
        )
        .select_related("release__product", "awarded_item")
        .order_by("-release__published_at")
        .first()
    )


def comparison(release: Release, now: Summary) -> Comparison | None:
    before = previous_tally(release)
    current = now.participation
    if before is None or current is None:  # (a summary compared has its counts)
        return None
    moods_before = mood_shares(
        dict(MoodTally.objects.filter(release_id=before.pk).values_list("mood", "count")), before.report_count
    )
    part = Participation(
        before.report_count,
        before.active_fans,
        _percent(before.report_count, before.active_fans) if before.active_fans else None,
    )
    share_change = (
        round(current.share - part.share, 1) if current.share is not None and part.share is not None else None
    )
    # Both lists have one share per mood, in the order of Report.Mood.
    moods = [(old, new, round(new.percent - old.percent, 1)) for old, new in zip(moods_before, now.moods, strict=True)]
    return Comparison(
        release=before.release,
        tally=before,
        participation=part,
        moods=moods,
        report_change=current.reports - before.report_count,
        share_change=share_change,
    )


# --- The "why" comments -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommentFilter:
    cell: str = ""  # one of CELL, or "" for every cell
    item_id: int | None = None  # only comments about this item (in cells 2 and 3)
    q: str = ""  # only comments containing this text
    group: Group = Group()

    @classmethod
    def from_query(cls, query, item_ids: set[int], group: Group) -> "CommentFilter":
        """From the query string: unknown cells and items mean all, over-long searches are cut."""
        cell = query.get("cell", "")
        cell = cell if cell in CELL.values else ""
        try:
            item_id = int(query.get("item", ""))
        except ValueError:
            item_id = None
        if item_id not in item_ids or cell in (CELL.MOOD, CELL.AWAITED):
            item_id = None
        q = query.get("q", "").replace("\x00", "").strip()[:COMMENT_MAX_QUERY]  # PostgreSQL refuses NUL
        return cls(cell=cell, item_id=item_id, q=q, group=group)

    def cells(self) -> list[str]:
        if self.cell:
            return [self.cell]
        return [CELL.LOVED, CELL.WEAKEST] if self.item_id else list(CELL.values)

    def reports(self, release: Release):
        """The reports holding at least one comment that passes."""
        reports = Report.objects.filter(release=release, **self.group.report_filter())
        matches = Q()
        for cell in self.cells():
            why = WHY_FIELDS[cell]
            match = ~Q(**{why: ""})
            if self.item_id:
                match &= Q(**{CHOICE_FIELDS[cell]: self.item_id})
            if self.q:
                match &= Q(**{f"{why}__icontains": self.q})
            matches |= match
        return reports.filter(matches)

    def comments_of(self, report: Report) -> list[tuple[str, str]]:
        """(cell, text) of the report's comments that pass."""
        return [
            (cell, getattr(report, WHY_FIELDS[cell]))
            for cell in self.cells()
            if getattr(report, WHY_FIELDS[cell])
            and (not self.item_id or getattr(report, CHOICE_FIELDS[cell]) == self.item_id)
            and (not self.q or self.q.casefold() in getattr(report, WHY_FIELDS[cell]).casefold())
        ]

    def query(self, **change) -> dict:
        values = {"cell": self.cell, "item": self.item_id or "", "q": self.q, **self.group.query(), **change}
        return {key: value for key, value in values.items() if value not in ("", None)}

    @property
    def querystring(self) -> str:
        return urlencode(self.query())

    def older(self, before: int) -> str:
        return urlencode(self.query(before=before))


@dataclass(frozen=True)
class Comment:
    report_id: int
    when: datetime
    device: str
    level: int
    cell: str
    cell_label: str
    choice: str
    text: str


CELL_LABELS = dict(CELL.choices)


def _choice_text(cell: str, report: Report, items: dict[int, str], ideas: dict[int, str]) -> str:
    if cell == CELL.AWAITED:
        return ideas.get(report.awaited_id, "")
    return items.get(getattr(report, CHOICE_FIELDS[cell]), "")


def _comments(reports, comment_filter: CommentFilter, items: dict[int, str], ideas: dict[int, str]):
    # Labels translated once per response, not once per comment (75 000 comments in a full CSV).
    cell_labels: dict[str, str] = {cell: str(label) for cell, label in CELL_LABELS.items()}
    moods = {mood: str(label) for mood, label in Report.Mood.choices}
    for report in reports:
        for cell, text in comment_filter.comments_of(report):
            choice = (
                moods.get(report.mood, report.mood) if cell == CELL.MOOD else _choice_text(cell, report, items, ideas)
            )
            yield Comment(
                report.pk, report.updated_at, report.device, report.level, cell, cell_labels[cell], choice, text
            )


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    next_before: int | None  # the cursor of the next (older) page


def comment_page(release: Release, comment_filter: CommentFilter, items: list[ItemRow], before) -> CommentPage:
    """A page of comments, newest report first (served by the voting_report_newest index). Two queries."""
    reports = comment_filter.reports(release).select_related("awaited__thread").order_by("-pk")
    try:
        reports = reports.filter(pk__lt=int(before)) if before else reports
    except ValueError:
        pass
    rows = list(reports[: COMMENTS_PER_PAGE + 1])
    titles = {row.item_id: row.title for row in items}
    ideas = {report.awaited_id: report.awaited.thread.title for report in rows}
    shown = rows[:COMMENTS_PER_PAGE]
    return CommentPage(
        list(_comments(shown, comment_filter, titles, ideas)), shown[-1].pk if len(rows) > COMMENTS_PER_PAGE else None
    )


# --- CSV --------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: fans wrote these, and "=HYPERLINK(...)" is not a formula here."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows):
    """The CSV as lines for a streaming response: a BOM (so spreadsheets read the Chinese as UTF-8),
    the header, then each row with every text cell made safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([value if isinstance(value, (int, float)) else csv_safe(value) for value in row])


def item_csv_rows(items: list[ItemRow]):
    for row in items:
        yield [
            row.rank,
            row.title,
            ", ".join(row.engineers),
            row.loved,
            row.weakest,
            row.net,
            round(row.score, 4),
            row.loved_share,
            row.weakest_share,
        ]


ITEM_CSV_HEADER = [
    gettext_lazy("rank"),
    gettext_lazy("update"),
    gettext_lazy("engineers"),
    gettext_lazy("loved most"),
    gettext_lazy("weakest"),
    gettext_lazy("net"),
    gettext_lazy("score"),
    gettext_lazy("loved most %"),
    gettext_lazy("weakest %"),
]
COMMENT_CSV_HEADER = [
    pgettext_lazy("four-cell report", "report"),
    gettext_lazy("saved (UTC)"),
    gettext_lazy("device model"),
    gettext_lazy("level"),
    gettext_lazy("cell"),
    gettext_lazy("choice"),
    gettext_lazy("why"),
]


def comment_csv_rows(release: Release, comment_filter: CommentFilter, items: list[ChangelogItem]):
    """Every comment that passes, oldest report first, read CSV_CHUNK rows at a time."""
    titles = {item.pk: item.title for item in items}
    ideas = dict(
        Idea.objects.filter(product_id=release.product_id)
        .filter(pk__in=comment_filter.reports(release).values("awaited_id"))
        .values_list("pk", "thread__title")
    )
    reports = comment_filter.reports(release).order_by("pk").iterator(chunk_size=CSV_CHUNK)
    for comment in _comments(reports, comment_filter, titles, ideas):
        yield [
            comment.report_id,
            comment.when.strftime("%Y-%m-%d %H:%M:%S"),
            comment.device,
            comment.level,
            comment.cell,
            comment.choice,
            comment.text,
        ]


# --- The trend across releases -------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    tally: ReleaseTally
    frozen: bool
    participation: Participation
    moods: list  # MoodShare
    winners: list  # engineers' names


def trend(product: Product, page_number) -> tuple:
    """The product's report windows, newest first, a page at a time: participation, moods, winners.
    Five queries: the page, its count, the awards, the frozen moods, the open windows' live counts."""
    windows = (
        ReleaseTally.objects.filter(release__product=product)
        .select_related("release", "awarded_item")
        .prefetch_related(
            Prefetch(
                "release__awards", queryset=Award.objects.select_related("engineer").order_by("engineer__username")
            )
        )
        .order_by("-opens_at", "-pk")
    )
    page = Paginator(windows, TRENDS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    frozen_ids = [row.pk for row in rows if row.frozen_at]
    live_ids = [row.pk for row in rows if not row.frozen_at]
    moods: dict[int, dict[str, int]] = {}
    for release_id, mood, n in MoodTally.objects.filter(release_id__in=frozen_ids).values_list(
        "release_id", "mood", "count"
    ):
        moods.setdefault(release_id, {})[mood] = n
    if live_ids:
        for release_id, mood, n in (
            Report.objects.filter(release_id__in=live_ids)
            .order_by()
            .values("release_id", "mood")
            .annotate(n=Count("*"))
            .values_list("release_id", "mood", "n")
        ):
            moods.setdefault(release_id, {})[mood] = n
    weeks = []
    for row in rows:
        reports = row.report_count if row.frozen_at else sum(moods.get(row.pk, {}).values())
        active = row.active_fans
        weeks.append(
            Week(
                tally=row,
                frozen=row.frozen_at is not None,
                participation=Participation(reports, active, _percent(reports, active) if active else None),
                moods=mood_shares(moods.get(row.pk, {}), reports),
                winners=[award.engineer.shown_name for award in row.release.awards.all()],
            )
        )
    return page, weeks


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def report_bars(weeks: list[Week], *, width: float = 320, height: float = 80) -> list[Bar]:
    """Reports per week as an SVG column chart (oldest on the left), drawn by the template."""
    shown = list(reversed(weeks))
    if not shown:
        return []
    top = max(week.participation.reports for week in shown) or 1
    step = width / len(shown)
    heights = [round(height * week.participation.reports / top, 1) for week in shown]
    return [
        Bar(
            x=round(i * step, 1),
            y=round(height - bar_height, 1),
            width=round(step * 0.8, 1),
            height=bar_height,
            label=week.tally.release.version,
            value=week.participation.reports,
        )
        for i, (week, bar_height) in enumerate(zip(shown, heights, strict=True))
    ]
