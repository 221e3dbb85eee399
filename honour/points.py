"""Points: given once per cause, capped per day, taken back with the cause; the total beside the rows.

``grant_points`` and ``take_back_points`` run inside the writing process's own
transaction (forum.liking, forum.moderation, ideas.voting, ideas.statuses,
feedback.reports, polls.polling), so a like and its points commit or roll back
together. Each:

1. takes the receiver's ``Standing`` row (created if missing) FOR UPDATE:
   two grants to one person queue here, so the daily cap is counted exactly;
2. writes or deletes the ``PointEntry`` row; a second grant for the same cause
   is a no-op, however it races: it finds the first one's entry after the lock,
   and the unique keys (honour_once_per_cause[_and_giver], both holding the
   receiver) back that up;
3. moves ``Standing.points`` with F() by the amount really written or deleted,
   and the level with it (a level reached queues its notification by name), and
   beside it the day's tally of the kind (``DayTotal``, what the cap reads) and
   the week's, month's and season's totals (``PeriodTotal``).

A grant to someone whose rows all exist is six statements however many points
they earned today: the lock; one read of the cause's entry, today's tally, the
giver's recent entries and their address; the entry; the standing; the tally;
the three period totals. Past the cap it is three: the lock, the read, the entry.

Rules (every number in settings):
- Nothing for acting on one's own content: a giver who is the receiver gives
  nothing (and a check constraint says so).
- Daily caps per kind (``HONOUR_DAILY_CAPS``, points per day reckoned in
  Asia/Shanghai days): past the cap an entry of 0 points is written (withheld
  "cap"), so the cause stays counted once and a later day does not pay it.
- Serial voting (``HONOUR_SERIAL_LIMIT`` likes or votes from one giver to one
  receiver within ``HONOUR_SERIAL_WINDOW_SECONDS``): the entries beyond the
  limit are written with 0 points (withheld "serial") and listed for
  moderators (honour.pages.serial_voting).
- Accounts made from one address (accounts.networks) giving each other points:
  the entry is flagged (``same_network``) and listed for moderators, not
  withheld: many fans share an address behind a carrier's NAT.
- Reversal deletes the entry (a withdrawn like, a withdrawn vote, the likes of a
  hidden post or thread) and moves the total back by its amount: the ledger holds what
  counts now, and a like given again later is a new cause for the cap.
"""

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

import outbox
from accounts.models import User
from canyu import counters
from honour import levels
from honour.models import DayTotal, PeriodTotal, PointEntry, Standing

Kind = PointEntry.Kind
SITE_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
# Kinds one person gives another by a tap: what serial voting counts.
GIVEN = (Kind.LIKED, Kind.IDEA_VOTED)


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s day in Asia/Shanghai, as an aware datetime."""
    local = now.astimezone(SITE_ZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> date:
    """The Asia/Shanghai date of ``moment``: the day its points count toward a daily cap."""
    return moment.astimezone(SITE_ZONE).date()


PERIODS = ("week", "month", "season")


def period_bounds(period: str, moment: datetime) -> tuple[str, datetime, datetime]:
    """The key, start and end of the week (from Monday), month or season (quarter) holding ``moment``,
    in Asia/Shanghai days."""
    today = day_start(moment)
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return f"w{start:%Y-%m-%d}", start, start + timedelta(days=7)  # Shanghai keeps no summer time
    first_month = today.month if period == "month" else (today.month - 1) // 3 * 3 + 1
    start = today.replace(month=first_month, day=1)
    months = 1 if period == "month" else 3
    year, month = divmod(first_month - 1 + months, 12)
    end = start.replace(year=start.year + year, month=month + 1)
    key = f"m{start:%Y-%m}" if period == "month" else f"s{start.year}Q{(first_month - 1) // 3 + 1}"
    return key, start, end


def _move_totals(rows: QuerySet, key: str, deltas: dict[Any, int], make: Callable[[Any], Model] | None) -> None:
    """Move the points of each of ``rows`` whose ``key`` is in ``deltas`` by its delta, in one UPDATE
    (points + CASE key WHEN … END) while the rows exist. Rows missing are made by ``make`` and moved in a
    second UPDATE (``make`` None: left missing). Called under the person's standing lock."""
    deltas = {each: delta for each, delta in deltas.items() if delta}
    if not deltas or _add_to_rows(rows, key, deltas) == len(deltas) or make is None:
        return
    # The first of a week, month or season. Only grants (under the lock we hold) and the recount make
    # these rows; the recount only for someone with committed entries of the period and no row, a row
    # already wrong that its next run corrects, so what exists now is what the UPDATE above moved.
    have = set(rows.filter(**{f"{key}__in": list(deltas)}).values_list(key, flat=True))
    missing = {each: delta for each, delta in deltas.items() if each not in have}
    rows.model.objects.bulk_create([make(each) for each in sorted(missing)], ignore_conflicts=True)
    _add_to_rows(rows, key, missing)


def _add_to_rows(rows: QuerySet, key: str, deltas: dict[Any, int]) -> int:
    """One UPDATE adding each delta to the row of its key; returns how many rows it matched."""
    if len(set(deltas.values())) == 1:
        by: Value | Case = Value(next(iter(deltas.values())))  # a grant: the same amount to each period
    else:
        whens = [When(**{key: each}, then=Value(delta)) for each, delta in sorted(deltas.items())]
        by = Case(*whens, default=Value(0), output_field=IntegerField())
    return rows.filter(**{f"{key}__in": sorted(deltas)}).update(points=F("points") + by)


def _add_to_periods(user_id: int, earned: list[tuple[datetime, int]]) -> None:
    """Move the user's period totals by the amounts earned at those times (rows missing made)."""
    deltas: dict[str, int] = {}
    for at, amount in earned:
        for period in PERIODS:
            key = period_bounds(period, at)[0]
            deltas[key] = deltas.get(key, 0) + amount
    _move_totals(
        PeriodTotal.objects.filter(user_id=user_id),
        "period",
        deltas,
        make=lambda key: PeriodTotal(period=key, user_id=user_id),
    )


def _take_from_days(user_id: int, earned: list[tuple[datetime, int, str]]) -> None:
    """Take amounts back from the tallies of the days they were earned. A day's row missing stays
    missing: the recount deleted it, and the cap reads only today's."""
    by_kind: dict[str, dict[date, int]] = {}
    for at, amount, kind in earned:
        days = by_kind.setdefault(kind, {})
        days[day_of(at)] = days.get(day_of(at), 0) - amount
    for kind, deltas in sorted(by_kind.items()):
        _move_totals(DayTotal.objects.filter(user_id=user_id, kind=kind), "day", deltas, make=None)


def _hold_standing(user_id: int) -> Standing:
    """The receiver's standing row locked until commit (with the user's join date and address), created
    if missing. Every write of a person's entries and totals takes it first: they queue here."""
    held = Standing.objects.select_for_update(of=("self",)).select_related("user")
    try:
        return held.get(pk=user_id)
    except Standing.DoesNotExist:
        Standing.objects.bulk_create([Standing(user_id=user_id)], ignore_conflicts=True)
        return held.get(pk=user_id)


class Ledger(NamedTuple):
    """What the rules need to know about the receiver's ledger before a grant."""

    given: bool  # this cause gave its points already
    today: int | None  # the receiver's points of this kind today (None: no tally yet, so none)
    serial: bool  # the giver's entries to the receiver in the window reach HONOUR_SERIAL_LIMIT
    same_network: bool  # the giver's account was made from the receiver's address


def _read_ledger(
    standing: Standing, *, kind: str, cause_type: ContentType, cause_id: int, giver_id: int | None, now: datetime
) -> Ledger:
    """One statement, after the standing lock and not inside the locking SELECT: a statement that
    waited for the lock reads other tables as they were when it began, and would miss the tally and
    entry of the grant it waited for. A new statement sees every grant that held the lock before."""
    entries = PointEntry.objects.filter(user_id=standing.pk)
    reads: dict[str, Any] = {
        # On the unique key's index (honour_once_per_cause[_and_giver]).
        "given": Exists(entries.filter(kind=kind, cause_type=cause_type, cause_id=cause_id, giver_id=giver_id)),
        # On the unique key's index (honour_one_total_per_day_and_kind): one row, however busy the day.
        "today": Subquery(DayTotal.objects.filter(day=day_of(now), user_id=standing.pk, kind=kind).values("points")),
        "serial": Value(False),
        "same_network": Value(False),
    }
    if giver_id is not None and kind in GIVEN:
        # Whether the HONOUR_SERIAL_LIMIT-th recent entry exists (OFFSET limit - 1 LIMIT 1), on
        # honour_entry_giver_recent: at most that many rows read.
        recent = entries.filter(
            giver_id=giver_id,
            kind__in=GIVEN,
            created_at__gt=now - timedelta(seconds=settings.HONOUR_SERIAL_WINDOW_SECONDS),
        )
        limit = settings.HONOUR_SERIAL_LIMIT
        reads["serial"] = Exists(recent[limit - 1 : limit])
    network = standing.user.signup_network
    if giver_id is not None and network:
        reads["same_network"] = Exists(User.objects.filter(pk=giver_id, signup_network=network))
    return Ledger._make(
        Standing.objects.filter(pk=standing.pk).values_list(*(reads[name] for name in Ledger._fields)).get()
    )


def _move(standing: Standing, delta: int, now: datetime) -> None:
    """Move the standing's points by ``delta`` and its level with them; a level reached is announced."""
    if not delta:
        return
    level = levels.level_of(points=standing.points + delta, date_joined=standing.user.date_joined, now=now)
    Standing.objects.filter(pk=standing.pk).update(points=F("points") + delta, level=level)
    if level > standing.level:
        outbox.enqueue("honour.tasks.announce_level", standing.pk, level)


def grant_points(
    *, user_id: int, kind: str, cause: Model, giver_id: int | None = None, now: datetime | None = None
) -> PointEntry | None:
    """Give ``user_id`` the points of ``kind`` for ``cause`` (from ``giver_id``), once.

    Call inside the writing transaction. Returns the entry written (its amount
    0 when withheld by a cap or serial voting), or None when nothing was written:
    the giver is the receiver, or the cause has given its points already.
    """
    if giver_id is not None and giver_id == user_id:
        return None
    now = now or timezone.now()
    amount = settings.HONOUR_POINTS[kind]
    standing = _hold_standing(user_id)
    cause_type = ContentType.objects.get_for_model(cause)
    ledger = _read_ledger(standing, kind=kind, cause_type=cause_type, cause_id=cause.pk, giver_id=giver_id, now=now)
    if ledger.given:
        return None  # this cause gave its points already
    if ledger.serial:
        withheld = PointEntry.Withheld.SERIAL
    elif (ledger.today or 0) + amount > settings.HONOUR_DAILY_CAPS[kind]:
        withheld = PointEntry.Withheld.CAP
    else:
        withheld = PointEntry.Withheld.NO
    entry = PointEntry(
        user_id=user_id,
        kind=kind,
        amount=0 if withheld else amount,
        withheld=withheld,
        same_network=ledger.same_network,
        cause_type=cause_type,
        cause_id=cause.pk,
        giver_id=giver_id,
        created_at=now,
    )
    # No savepoint: every entry is written here under the receiver's lock, and both unique keys hold the
    # receiver, so no other transaction can write this entry between the read above and this INSERT. A
    # violation would mean a writer skipped the lock: it fails the whole transaction, never counts twice.
    entry.save(force_insert=True)
    if entry.amount:
        _move(standing, entry.amount, now)
        if ledger.today is None:
            # The first of the day. Made only here and by the recount's correction, both under the lock we
            # hold: nobody made it since the read above.
            DayTotal.objects.create(day=day_of(now), user_id=user_id, kind=kind, points=entry.amount)
        else:
            DayTotal.objects.filter(day=day_of(now), user_id=user_id, kind=kind).update(
                points=F("points") + entry.amount
            )
        _add_to_periods(user_id, [(now, entry.amount)])
    return entry


def take_back_points(*, kind: str, cause: Model, giver_id: int | None = None, now: datetime | None = None) -> int:
    """Delete the entries ``cause`` gave (from ``giver_id``, or from everyone when None) and move
    each receiver's total back; returns the points taken back. Call inside the writing transaction."""
    entries = PointEntry.objects.filter(
        kind=kind, cause_type=ContentType.objects.get_for_model(cause), cause_id=cause.pk
    )
    if giver_id is not None:
        entries = entries.filter(giver_id=giver_id)
    return _take_back(entries, now or timezone.now())


def take_back_points_of(*, kind: str, causes: QuerySet, now: datetime | None = None) -> int:
    """``take_back_points`` for every cause in ``causes`` (a hidden thread's posts)."""
    entries = PointEntry.objects.filter(
        kind=kind, cause_type=ContentType.objects.get_for_model(causes.model), cause_id__in=causes.values("pk")
    )
    return _take_back(entries, now or timezone.now())


def _take_back(entries: QuerySet, now: datetime) -> int:
    taken = 0
    for user_id in sorted(set(entries.values_list("user_id", flat=True))):
        standing = _hold_standing(user_id)
        # Summed after the lock: a grant that committed meanwhile is in it.
        theirs = entries.filter(user_id=user_id)
        earned = list(theirs.values_list("created_at", "amount", "kind"))
        amount = sum(each for _at, each, _kind in earned)
        theirs.delete()
        _move(standing, -amount, now)
        _add_to_periods(user_id, [(at, -each) for at, each, _kind in earned])
        _take_from_days(user_id, earned)
        taken += amount
    return taken


def grant_pending(
    pending: QuerySet, *, kind: str, user_field: str, batch: int = 500, now: datetime | None = None
) -> int:
    """Points of ``kind`` for every row of ``pending`` whose ``honoured_at`` is still null (a quiz's
    winners, a teaser's right guessers), each row its own cause, paid to the user in ``user_field``.

    Rows the process that decided them left for later: a reveal with 100 000 right guessers commits
    at once and the points follow in batches, one transaction each, the rows marked honoured in it.
    Safe to run twice or at once: rows are claimed FOR UPDATE SKIP LOCKED and the ledger's unique
    cause key pays each once. Returns the entries written."""
    written = 0
    while True:
        with transaction.atomic():
            # Ordered by receiver: standings are locked in one order by every batch.
            rows = list(
                pending.filter(honoured_at__isnull=True)
                .select_for_update(skip_locked=True)
                .order_by(user_field, "pk")[:batch]
            )
            if not rows:
                return written
            moment = now or timezone.now()
            for row in rows:
                if grant_points(user_id=getattr(row, f"{user_field}_id"), kind=kind, cause=row, now=moment):
                    written += 1
            pending.model.objects.filter(pk__in=[row.pk for row in rows]).update(honoured_at=moment)


# --- Recounts -------------------------------------------------------------------


def recount_standings(user_ids: QuerySet | list[int] | None = None, *, now: datetime | None = None) -> int:
    """Rebuild Standing.points from the ledger and the level from points and age; returns how many
    standings were corrected. Standings are created for people with entries and none yet."""
    now = now or timezone.now()
    # NOT EXISTS, not NOT IN: PostgreSQL runs a NOT IN subquery it cannot hash once per row.
    missing = PointEntry.objects.filter(~Exists(Standing.objects.filter(pk=OuterRef("user_id"))))
    if user_ids is not None:
        missing = missing.filter(user_id__in=user_ids)
    Standing.objects.bulk_create(
        [Standing(user_id=user_id) for user_id in set(missing.values_list("user_id", flat=True))],
        ignore_conflicts=True,
        batch_size=1000,
    )
    standings = Standing.objects.all() if user_ids is None else Standing.objects.filter(pk__in=user_ids)
    actual = Coalesce(
        Subquery(
            PointEntry.objects.filter(user_id=OuterRef("pk"))
            .values("user_id")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        0,
    )
    corrected = counters.recount(standings, field="points", actual=actual)
    return corrected + recount_levels(standings, now=now) + recount_period_totals(now=now) + recount_day_totals(now=now)


def recount_period_totals(*, now: datetime) -> int:
    """Rebuild the current week's, month's and season's totals from the ledger (rows missing made);
    returns how many were corrected."""
    corrected = 0
    for period in PERIODS:
        key, start, end = period_bounds(period, now)
        earned = PointEntry.objects.filter(created_at__gte=start, created_at__lt=end)
        missing = earned.filter(~Exists(PeriodTotal.objects.filter(period=key, user_id=OuterRef("user_id"))))
        PeriodTotal.objects.bulk_create(
            [PeriodTotal(period=key, user_id=user_id) for user_id in set(missing.values_list("user_id", flat=True))],
            ignore_conflicts=True,
            batch_size=1000,
        )
        actual = Coalesce(
            Subquery(
                earned.filter(user_id=OuterRef("user_id"))
                .values("user_id")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
            0,
        )
        corrected += counters.recount(PeriodTotal.objects.filter(period=key), field="points", actual=actual)
    return corrected


def recount_day_totals(*, now: datetime) -> int:
    """Rebuild today's tallies of the daily caps from the ledger and delete earlier days' (the cap reads
    only today's); returns how many tallies were corrected.

    Exact while grants run: tallies and sums are compared without locks, then each person found wrong
    is corrected under their standing lock from sums read after it, when no grant to them is in flight."""
    start = day_start(now)
    today = start.date()
    DayTotal.objects.filter(day__lt=today).delete()
    earned = PointEntry.objects.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    tallies = DayTotal.objects.filter(day=today)
    corrected = 0
    for user_id in sorted({user_id for user_id, _kind in _wrong_tallies(earned, tallies)}):
        with transaction.atomic():
            _hold_standing(user_id)
            wrong = _wrong_tallies(earned.filter(user_id=user_id), tallies.filter(user_id=user_id))
            for (_user_id, kind), total in sorted(wrong.items()):
                DayTotal.objects.update_or_create(day=today, user_id=user_id, kind=kind, defaults={"points": total})
            corrected += len(wrong)
    return corrected


def _wrong_tallies(earned: QuerySet, tallies: QuerySet) -> dict[tuple[int, str], int]:
    """The (user, kind) pairs whose tally differs from the sum of their ``earned`` entries, with the sum
    (a missing tally counts as 0)."""
    summed = {
        (user_id, kind): total
        for user_id, kind, total in earned.values("user_id", "kind")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "kind", "total")
    }
    kept = {(user_id, kind): total for user_id, kind, total in tallies.values_list("user_id", "kind", "points")}
    return {key: summed.get(key, 0) for key in summed.keys() | kept.keys() if summed.get(key, 0) != kept.get(key, 0)}


def recount_levels(standings: QuerySet, *, now: datetime) -> int:
    """Set each level from its points and the account's age: one UPDATE per level, none when all are right."""
    corrected = 0
    table = list(enumerate(settings.HONOUR_LEVELS, start=1))
    for number, (need, age) in table:
        reaches = Q(points__gte=need, user__date_joined__lte=now - timedelta(days=age))
        above = Q()
        for _higher, (more, older) in table[number:]:
            above |= Q(points__gte=more, user__date_joined__lte=now - timedelta(days=older))
        rows = standings.filter(reaches)
        if number < len(table):
            rows = rows.exclude(above)
        ids = rows.exclude(level=number).values("pk")
        corrected += Standing.objects.filter(pk__in=ids).update(level=number)
    return corrected
