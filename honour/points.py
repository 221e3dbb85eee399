"""Points: given once per cause, capped per day, taken back with the cause; the total beside the rows.

``grant_points`` and ``take_back_points`` run inside the writing process's own
transaction (forum.liking, forum.moderation, ideas.voting, ideas.statuses,
feedback.reports, polls.polling), so a like and its points commit or roll back
together. Each:

1. takes the receiver's ``Standing`` row (created if missing) FOR UPDATE:
   two grants to one person queue here, so the daily cap is counted exactly;
2. writes or deletes the ``PointEntry`` row; the unique keys
   (honour_once_per_cause[_and_giver]) make a second grant for the same cause
   a no-op, however it races;
3. moves ``Standing.points`` with F() by the amount really written or deleted,
   and the level with it (a level reached queues its notification by name).

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
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

import outbox
from accounts.models import User
from canyu import counters
from honour import levels
from honour.models import PeriodTotal, PointEntry, Standing

Kind = PointEntry.Kind
SITE_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
# Kinds one person gives another by a tap: what serial voting counts.
GIVEN = (Kind.LIKED, Kind.IDEA_VOTED)


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s day in Asia/Shanghai, as an aware datetime."""
    local = now.astimezone(SITE_ZONE)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


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


def _add_to_periods(user_id: int, earned: list[tuple[datetime, int]]) -> None:
    """Move the user's period totals by the amounts earned at those times. Called under the user's
    standing lock, so creating a missing row cannot race another grant to the same person."""
    deltas: dict[str, int] = {}
    for at, amount in earned:
        for period in PERIODS:
            key = period_bounds(period, at)[0]
            deltas[key] = deltas.get(key, 0) + amount
    for key, delta in sorted(deltas.items()):
        if not delta:
            continue
        if PeriodTotal.objects.filter(period=key, user_id=user_id).update(points=F("points") + delta) == 0:
            PeriodTotal.objects.bulk_create([PeriodTotal(period=key, user_id=user_id)], ignore_conflicts=True)
            PeriodTotal.objects.filter(period=key, user_id=user_id).update(points=F("points") + delta)


def _hold_standing(user_id: int) -> Standing:
    """The receiver's standing row, created if missing and locked until commit (with the user's join date)."""
    Standing.objects.bulk_create([Standing(user_id=user_id)], ignore_conflicts=True)
    return Standing.objects.select_for_update(of=("self",)).select_related("user").get(pk=user_id)


def _withheld(*, standing: Standing, kind: str, giver_id: int | None, amount: int, now: datetime) -> str:
    if giver_id is not None and kind in GIVEN:
        recent = PointEntry.objects.filter(
            giver_id=giver_id,
            user_id=standing.pk,
            kind__in=GIVEN,
            created_at__gt=now - timedelta(seconds=settings.HONOUR_SERIAL_WINDOW_SECONDS),
        )
        if recent[: settings.HONOUR_SERIAL_LIMIT].count() >= settings.HONOUR_SERIAL_LIMIT:
            return PointEntry.Withheld.SERIAL
    today = PointEntry.objects.filter(user_id=standing.pk, kind=kind, created_at__gte=day_start(now)).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]
    if today + amount > settings.HONOUR_DAILY_CAPS[kind]:
        return PointEntry.Withheld.CAP
    return PointEntry.Withheld.NO


def _same_network(standing: Standing, giver_id: int) -> bool:
    """Whether the giver's account was made from the receiver's address (a query only when the receiver's
    address is known)."""
    receiver_network = standing.user.signup_network
    if not receiver_network:
        return False
    return User.objects.filter(pk=giver_id, signup_network=receiver_network).exists()


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
    withheld = _withheld(standing=standing, kind=kind, giver_id=giver_id, amount=amount, now=now)
    entry = PointEntry(
        user_id=user_id,
        kind=kind,
        amount=0 if withheld else amount,
        withheld=withheld,
        same_network=giver_id is not None and _same_network(standing, giver_id),
        cause_type=ContentType.objects.get_for_model(cause),
        cause_id=cause.pk,
        giver_id=giver_id,
        created_at=now,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        return None  # this cause gave its points already
    _move(standing, entry.amount, now)
    if entry.amount:
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
        earned = list(theirs.values_list("created_at", "amount"))
        amount = sum(each for _at, each in earned)
        theirs.delete()
        _move(standing, -amount, now)
        _add_to_periods(user_id, [(at, -each) for at, each in earned])
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
    return corrected + recount_levels(standings, now=now) + recount_period_totals(now=now)


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
