"""What the report and award pages read: every select_related/prefetch_related in one place, so
templates never query and each page's query count is fixed.

During a report window fans see no result (no bandwagon): only product
managers and admins (``accounts.read_feedback``) see the standings, counted
from the rows. Once frozen, everyone sees the stored result.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Subquery

from feedback import awards, reports, tally
from feedback.models import AWAITABLE, Award, IdeaTally, ItemTally, MoodTally, ReleaseTally, Report
from ideas.models import Idea
from releases.models import Product, Release

READ_FEEDBACK = "accounts.read_feedback"
# The ideas offered in cell 4: the most voted upcoming ideas of the product.
IDEAS_OFFERED = 50
WEEKS_PER_PAGE = 20
IDEAS_SHOWN = 10
RECORD_ITEMS_SHOWN = 20


def may_see_live_results(user) -> bool:
    return user.is_authenticated and user.has_perm(READ_FEEDBACK)


def window_state(release: Release, tally_row: ReleaseTally | None, now: datetime) -> str:
    """none (takes no reports), upcoming, open, closed (time up, result not frozen yet, or a window
    nobody opened before it closed) or frozen."""
    if tally_row is None:
        return "closed" if reports.takes_reports(release) else "none"
    if tally_row.frozen_at is not None:
        return "frozen"
    if now < tally_row.opens_at:
        return "upcoming"
    return "open" if now < tally_row.closes_at else "closed"


def closes_text(release: Release, tally_row: ReleaseTally | None) -> str:
    if tally_row is not None:
        return reports.closing_text(tally_row.closes_at)
    return reports.closing_text(reports.window_of(release).closes_at) if reports.takes_reports(release) else ""


def offered_ideas(release: Release, report: Report | None) -> list[Idea]:
    """Cell 4's choices: the product's most voted upcoming ideas, and the fan's own pick if it is
    still upcoming but no longer among them."""
    upcoming = Idea.objects.filter(product_id=release.product_id, status__in=AWAITABLE).select_related("thread")
    ideas = list(upcoming.order_by("-vote_count", "pk")[:IDEAS_OFFERED])
    if report is not None and report.awaited_id not in {idea.pk for idea in ideas}:
        ideas += list(upcoming.filter(pk=report.awaited_id))
    return ideas


def report_page(user, release: Release, now: datetime) -> dict:
    """The fan's report page: window, the fan's report, the choices, why they may not report (if so),
    and, for product managers, the live standings."""
    tally_row = reports.open_window(release=release, now=now)
    report = Report.objects.filter(release=release, fan=user).first()
    items = list(release.changelog.order_by("position", "pk"))
    state = window_state(release, tally_row, now)
    live = may_see_live_results(user) and state in ("open", "closed")
    return {
        "release": release,
        "tally": tally_row,
        "state": state,
        "closes": closes_text(release, tally_row),
        "report": report,
        "items": items,
        "own_item_ids": reports.own_items(user, items),
        "ideas": offered_ideas(release, report),
        "refusal": reports.eligibility_refusal(user, release.product, now),
        "standings": tally.live_standings(release) if live else None,
    }


# --- Awards ---------------------------------------------------------------------------


def weekly_winners(product: Product | None, page_number) -> Page:
    """Frozen results, newest first, each with its release, product, awarded item and winners."""
    results = (
        ReleaseTally.objects.filter(frozen_at__isnull=False)
        .select_related("release__product", "awarded_item")
        .prefetch_related(
            Prefetch(
                "release__awards", queryset=Award.objects.select_related("engineer").order_by("engineer__username")
            )
        )
        .order_by("-frozen_at", "-pk")
    )
    if product is not None:
        results = results.filter(release__product=product)
    return Paginator(results, WEEKS_PER_PAGE).get_page(page_number)


@dataclass(frozen=True)
class SeasonRow:
    rank: int
    engineer_id: int
    username: str
    name: str
    awards: int
    best_score: float


def season_table(season: str, product: Product | None = None) -> list[SeasonRow]:
    """The engineers with Popcorn Awards in the season: most awards first, then the best score, then
    the username (the same rows always give the same order). One query."""
    awarded = Award.objects.filter(season=season)
    if product is not None:
        awarded = awarded.filter(release__product=product)
    rows = (
        awarded.values("engineer_id", "engineer__username", "engineer__display_name")
        .annotate(awards=Count("id"), best=Max("score"))
        .order_by("-awards", "-best", "engineer__username")
    )
    return [
        SeasonRow(
            rank,
            row["engineer_id"],
            row["engineer__username"],
            row["engineer__display_name"] or row["engineer__username"],
            row["awards"],
            row["best"],
        )
        for rank, row in enumerate(rows, start=1)
    ]


def open_windows(now: datetime, product: Product | None = None) -> list[ReleaseTally]:
    """Windows open now, to invite fans to report (served by the voting_tally_due index)."""
    windows = ReleaseTally.objects.filter(frozen_at=None, closes_at__gt=now, opens_at__lte=now)
    if product is not None:
        windows = windows.filter(release__product=product)
    return list(windows.select_related("release__product").order_by("closes_at", "pk"))


def awards_page(product: Product | None, season: str | None, page_number, now: datetime) -> dict:
    current = awards.season_of(now)
    season = awards.season_from(season, default=current)
    before, after = awards.neighbour_seasons(season)
    return {
        "product": product,
        "page": weekly_winners(product, page_number),
        "season": season,
        "season_before": before,
        "season_after": after if after <= current else None,
        "season_rows": season_table(season, product),
        "open_windows": open_windows(now, product),
        "now": now,
        "z": tally.Z,  # the formula under "How the ranking works"
    }


def frozen_standings(release: Release, tally_row: ReleaseTally) -> tally.Standings:
    items = list(ItemTally.objects.filter(release=release).order_by("rank")[: tally.TOP_SHOWN])
    moods = {row.mood: row.count for row in MoodTally.objects.filter(release=release)}
    ideas = IdeaTally.objects.filter(release=release).select_related("idea__thread").order_by("-picks", "idea_id")
    return tally.Standings(
        reports=tally_row.report_count,
        items=items,
        frozen=True,
        moods=[(mood.value, mood.label, moods.get(mood.value, 0)) for mood in Report.Mood],
        ideas=[(row.idea, row.picks) for row in ideas[:IDEAS_SHOWN]],
    )


def award_page(user, release: Release, now: datetime) -> dict:
    """One release's result: the frozen one for everyone; the live one for product managers while
    the window is open; for fans then, only when it closes."""
    tally_row = ReleaseTally.objects.filter(release=release).select_related("awarded_item").first()
    if tally_row is None:  # the tick has not opened it yet (or it closed before anyone did)
        tally_row = reports.open_window(release=release, now=now)
    state = window_state(release, tally_row, now)
    standings, winners = None, []
    if state == "frozen" and tally_row is not None:  # (frozen means there is a row)
        standings = frozen_standings(release, tally_row)
        winners = list(Award.objects.filter(release=release).select_related("engineer").order_by("engineer__username"))
    elif state in ("open", "closed") and may_see_live_results(user):
        standings = tally.live_standings(release)
        standings = tally.Standings(
            reports=standings.reports,
            items=standings.items[: tally.TOP_SHOWN],
            moods=standings.moods,
            ideas=standings.ideas[:IDEAS_SHOWN],
            frozen=False,
        )
    return {
        "release": release,
        "tally": tally_row,
        "state": state,
        "standings": standings,
        "winners": winners,
        "closes": closes_text(release, tally_row),
        "min_reports": tally_row.min_reports if tally_row and tally_row.frozen_at else None,
        "z": tally.Z,
    }


# --- Profiles -----------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """How an item an engineer shipped was received (its frozen tally), and whether it won."""

    tally: ItemTally
    of: int  # items in its release
    awarded: bool


def popcorn_record(engineer) -> dict:
    """An engineer's Popcorn Awards and how each item they shipped was received, newest first. Two
    queries; only frozen results exist as ItemTally rows, so no live result leaks onto a profile."""
    won = Award.objects.filter(release=OuterRef("release"), item=OuterRef("item"), engineer=engineer)
    of = (
        ItemTally.objects.filter(release=OuterRef("release"))
        .order_by()
        .values("release")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = (
        ItemTally.objects.filter(item__owners=engineer)
        .select_related("release__product")
        .annotate(awarded=Exists(won), of=Subquery(of))
        .order_by("-release__published_at", "-release_id", "rank")[:RECORD_ITEMS_SHOWN]
    )
    won_awards = (
        Award.objects.filter(engineer=engineer)
        .select_related("release__product", "item")
        .order_by("-granted_at", "-pk")[:RECORD_ITEMS_SHOWN]
    )
    return {
        "engineer": engineer,
        "received": [Received(row, row.of, row.awarded) for row in rows],
        "awards": list(won_awards),
    }
