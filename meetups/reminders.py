"""Telling fans: the reminder the day before, and the seat that came free.

Both go through ``notifications.delivery.notify`` (in-app, and e-mail for those whose preference for
meetups is "right away", through the outbox): once per fan and key, however often this runs. The
reminder of a meetup is claimed by a conditional UPDATE of ``reminded_at`` (``WHERE reminded_at IS
NULL``), in the same transaction as its notifications: two beats send it once.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from meetups.models import Meetup, Rsvp
from notifications.delivery import notify
from notifications.models import Kind

REMIND_BEFORE = timedelta(hours=24)
REMIND_PER_TICK = 100


def local_start(meetup: Meetup) -> datetime:
    return meetup.starts_at.astimezone(ZoneInfo(meetup.city.time_zone))


def _when(meetup: Meetup) -> str:
    return formats.date_format(local_start(meetup), "Y-m-d H:i")


@transaction.atomic(durable=True)
def remind_meetup(*, meetup: Meetup, now: datetime | None = None) -> int:
    """Send the meetup's reminder to everyone going, once. Returns how many were told (0 if another
    run claimed it, or it is not approved, or not within a day of its start)."""
    now = now or timezone.now()
    claimed = Meetup.objects.filter(
        pk=meetup.pk,
        status=Meetup.Status.APPROVED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).update(reminded_at=now)
    if claimed != 1:
        return 0
    meetup = Meetup.objects.select_related("city").get(pk=meetup.pk)
    going = Rsvp.objects.filter(meetup=meetup, status=Rsvp.Status.GOING).values_list("fan_id", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        news = _("tomorrow, %(when)s (%(zone)s), at %(place)s") % {
            "when": _when(meetup),
            "zone": meetup.city.time_zone,
            "place": meetup.place,
        }
    return notify(
        recipient_ids=list(going),
        kind=Kind.MEETUP,
        key=f"meetup:{meetup.pk}:reminder",
        params={"title": meetup.title, "news": news},
        url=meetup.get_absolute_url(),
    )


def remind_due_meetups(*, now: datetime | None = None) -> int:
    """The beat's tick: remind every approved meetup starting within a day, each once."""
    now = now or timezone.now()
    due = list(
        Meetup.objects.filter(
            status=Meetup.Status.APPROVED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMIND_BEFORE,
        ).order_by("starts_at", "pk")[:REMIND_PER_TICK]
    )
    return sum(remind_meetup(meetup=meetup, now=now) for meetup in due)


def tell_promoted(*, rsvp: Rsvp) -> int:
    """Tell a fan their place on the waiting list became a seat (inside the cancelling transaction)."""
    meetup = Meetup.objects.select_related("city").get(pk=rsvp.meetup_id)
    with translation.override(settings.LANGUAGE_CODE):
        news = _("a seat came free and it is yours: %(when)s (%(zone)s), at %(place)s") % {
            "when": _when(meetup),
            "zone": meetup.city.time_zone,
            "place": meetup.place,
        }
    return notify(
        recipient_ids=[rsvp.fan_id],
        kind=Kind.MEETUP,
        key=f"meetup:{meetup.pk}:seat:{rsvp.pk}:{int(rsvp.updated_at.timestamp())}",
        params={"title": meetup.title, "news": news},
        url=meetup.get_absolute_url(),
    )
