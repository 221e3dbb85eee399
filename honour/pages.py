"""What each honour page reads: every query of the leaderboards, a medal's holders, a profile's honours
and the moderators' list of serial voting, so templates never query and each page's count is fixed."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q

from accounts.models import User
from accounts.roles import Role
from honour import levels, points
from honour.models import Medal, MedalAward, PeriodTotal, PointEntry

PER_PAGE = 50
MAX_PAGE = 200  # deeper than the 10 000th place, a leaderboard means nothing
PERIODS = points.PERIODS
CROWDS = ("fans", "engineers")


def period_start(period: str, now: datetime) -> datetime:
    """The start of this week (Monday), month or season (quarter), in Asia/Shanghai days."""
    return points.period_bounds(period, now)[1]


@dataclass
class Board:
    """One page of a leaderboard: rows of user_id, user__username, user__display_name, points."""

    rows: list[dict]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PER_PAGE + 1


def leaderboard(*, period: str, crowd: str, page: str | None, now: datetime) -> Board:
    """One page of the people with the most points since the period began: fans (everyone who is not
    an engineer) or engineers. One query, in the order of the honour_total_board index (the period's
    counters, honour.models.PeriodTotal), reading one row more than the page to know if another follows:
    no COUNT over a million fans."""
    try:
        number = max(1, min(int(page or 1), MAX_PAGE))
    except ValueError:
        number = 1
    # From the membership table, not Group.values("user"): an engineers' group without members would give
    # one NULL, and NOT IN (NULL) leaves no fan on the board.
    engineers = User.groups.through.objects.filter(group__name=Role.ENGINEER).values("user_id")
    totals = PeriodTotal.objects.filter(period=points.period_bounds(period, now)[0], points__gt=0)
    totals = totals.filter(user__in=engineers) if crowd == "engineers" else totals.exclude(user__in=engineers)
    start = (number - 1) * PER_PAGE
    rows = list(
        totals.order_by("-points", "user_id").values("user_id", "user__username", "user__display_name", "points")[
            start : start + PER_PAGE + 1
        ]
    )
    return Board(rows=rows[:PER_PAGE], number=number, has_next=len(rows) > PER_PAGE)


@dataclass
class Honours:
    points: int
    level: int
    level_name: str
    medals: list[MedalAward]

    @property
    def shown(self) -> list[MedalAward]:
        return [award for award in self.medals if award.shown]


def profile_honours(fan: User) -> Honours:
    """A person's points and level (``fan`` read with select_related("standing")) and medals: one query."""
    try:
        standing = fan.standing
    except ObjectDoesNotExist:
        standing = None
    level = standing.level if standing else 1
    medals = list(MedalAward.objects.filter(user=fan).select_related("medal").order_by("-awarded_at", "-pk"))
    return Honours(
        points=standing.points if standing else 0, level=level, level_name=levels.level_name(level), medals=medals
    )


def medal_holders(medal: Medal, page: str | None) -> Page:
    """One page of the medal's holders, newest first: the count and the page (names joined)."""
    awards = medal.awards.select_related("user").order_by("-awarded_at", "-pk")
    return Paginator(awards, PER_PAGE).get_page(page)


def medal_list():
    """Every medal with its number of holders: one query."""
    return Medal.objects.annotate(holders=Count("awards")).order_by("name")


def serial_voting(*, page: str | None, since: datetime) -> Page:
    """Pairs (giver, receiver) with points withheld as serial voting, or given between accounts made
    from one address, since ``since``, most first."""
    serial = Q(withheld=PointEntry.Withheld.SERIAL)
    rows = (
        PointEntry.objects.filter(serial | Q(same_network=True), created_at__gte=since)
        .values("giver_id", "giver__username", "user_id", "user__username")
        .annotate(
            withheld=Count("pk", filter=serial),
            same_network=Count("pk", filter=Q(same_network=True)),
            last=Max("created_at"),
        )
        .order_by("-withheld", "-same_network", "-last")
    )
    return Paginator(rows, PER_PAGE).get_page(page)


def may_moderate(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.has_perm("accounts.moderate_forum"))
