"""Medals: granted once per person (the database decides), by hand or by a built-in rule.

A rule is a function returning the ids of the people who qualify now (a
QuerySet of ids, or a list). Rules that read a higher app's data (ideas,
feedback) are registered by that app in its AppConfig.ready
(``register_rule``), as releases.steps does: honour imports no app above it.

``grant_automatic_medals`` (a beat task every 15 minutes) inserts an award for
each qualifying person without one, with INSERT … ON CONFLICT DO NOTHING
RETURNING id under the (medal, user) constraint: two runs at once, or a run
repeated, insert each award once, and only the rows really inserted are
announced (an outbox job in the same transaction).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import outbox
from accounts.models import User
from honour.models import Medal, MedalAward, Standing

Rule = Callable[[datetime], "QuerySet | Iterable[int]"]
BATCH = 1000
SHOWN_LIMIT = 3

_rules: dict[str, Rule] = {}


class MedalRefused(Exception):
    pass


def register_rule(code: str, rule: Rule) -> Rule:
    """Make ``rule`` the finder of the medals whose rule is ``code`` (Medal.Rule)."""
    _rules[code] = rule
    return rule


def first_post(now: datetime):
    return User.objects.filter(post_count__gte=1).values_list("pk", flat=True)


register_rule(Medal.Rule.FIRST_POST, first_post)


def _insert_awards(medal: Medal, user_ids: list[int], now: datetime) -> list[int]:
    """Insert the awards missing; returns the ids of the rows this call inserted."""
    if not user_ids:
        return []
    table = connection.ops.quote_name(MedalAward._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(user_ids))
    params: list = []
    for user_id in user_ids:
        params += [medal.pk, user_id, now, False]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (medal_id, user_id, awarded_at, shown) VALUES {values} "
            "ON CONFLICT (medal_id, user_id) DO NOTHING RETURNING id",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


# Not durable: the admin's save (itself a transaction) grants by hand through it.
@transaction.atomic
def grant_medal(*, medal: Medal, user_ids: Iterable[int], now: datetime | None = None) -> int:
    """Award ``medal`` to each of ``user_ids`` who does not hold it; returns how many were awarded now.
    Each new holder is told once (an outbox job of this transaction)."""
    now = now or timezone.now()
    inserted = _insert_awards(medal, sorted(set(user_ids)), now)
    for award_id in inserted:
        outbox.enqueue("honour.tasks.announce_medal", award_id)
    return len(inserted)


def grant_automatic_medals(*, now: datetime | None = None) -> dict[str, int]:
    """Grant every automatic medal to the people its rule finds; safe to run twice (or at once)."""
    now = now or timezone.now()
    granted: dict[str, int] = {}
    for medal in Medal.objects.exclude(rule=""):
        rule = _rules.get(medal.rule)
        if rule is None:
            continue
        held = set(MedalAward.objects.filter(medal=medal).values_list("user_id", flat=True))
        missing = sorted(set(rule(now)) - held)
        granted[medal.slug] = sum(
            grant_medal(medal=medal, user_ids=missing[start : start + BATCH], now=now)
            for start in range(0, len(missing), BATCH)
        )
    return granted


@dataclass(frozen=True)
class ShownMedal:
    name: str
    url: str
    picture: str  # its address, "" when the medal has no picture


def shown_medals(text: str | None) -> tuple[ShownMedal, ...]:
    """The medals in Standing.shown_medals, for a template."""
    shown = []
    for line in (text or "").splitlines():
        slug, picture, name = (line.split("\t", 2) + ["", ""])[:3]
        if slug:
            shown.append(
                ShownMedal(
                    name=name,
                    url=reverse("honour:medal", args=[slug]),
                    picture=default_storage.url(picture) if picture else "",
                )
            )
    return tuple(shown)


def copy_shown_medals(user_ids: Iterable[int]) -> None:
    """Write each person's shown medals onto their standing (made if missing). Call in the transaction
    that changed what they show, or a medal's name or picture."""
    ids = sorted(set(user_ids))
    Standing.objects.bulk_create([Standing(user_id=user_id) for user_id in ids], ignore_conflicts=True)
    lines: dict[int, list[str]] = {user_id: [] for user_id in ids}
    shown = MedalAward.objects.filter(user_id__in=ids, shown=True).select_related("medal").order_by("awarded_at", "pk")
    for award in shown:
        name = " ".join(award.medal.name.split())  # no tab or line break inside a field
        lines[award.user_id].append(f"{award.medal.slug}\t{award.medal.picture.name or ''}\t{name}")
    for user_id, each in lines.items():
        Standing.objects.filter(pk=user_id).update(shown_medals="\n".join(each))


@transaction.atomic(durable=True)
def choose_shown_medals(*, user, award_ids: Iterable[int]) -> list[int]:
    """Show the chosen awards of ``user`` beside their name (at most SHOWN_LIMIT), hide the rest.

    The user's row is locked first, so two choices sent at once are applied one after the other,
    and the count is checked under it."""
    chosen = sorted(set(award_ids))
    if len(chosen) > SHOWN_LIMIT:
        raise MedalRefused(_("Choose at most %(n)d medals to show.") % {"n": SHOWN_LIMIT})
    User.objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk").first()
    own = MedalAward.objects.filter(user=user)
    if own.filter(pk__in=chosen).count() != len(chosen):
        raise MedalRefused(_("You can only show medals you hold."))
    own.exclude(pk__in=chosen).filter(shown=True).update(shown=False)
    own.filter(pk__in=chosen, shown=False).update(shown=True)
    copy_shown_medals([user.pk])
    return chosen
