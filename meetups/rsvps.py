"""RSVPs: a seat while there are seats, else the waiting list; a cancelled seat goes to the first
on the waiting list.

Never more seats taken than the capacity, however many fans answer at once:

- Every change starts by locking the meetup's row (``SELECT … FOR UPDATE``): RSVPs and cancellations
  of one meetup queue behind each other, so a cancellation and a new RSVP cannot both miss the free
  seat (the cancellation finding no one waiting, the RSVP finding no seat).
- The seat itself is taken by a conditional UPDATE (``seats_taken < capacity``), and the database
  refuses ``seats_taken > capacity`` (``meetups_seats_within_capacity``): the last word even where
  the lock is not there (SQLite ignores FOR UPDATE; it runs one writer at a time instead).
- One RSVP row per fan (``meetups_one_rsvp_per_fan``), changed in place: answering again after a
  cancellation queues the fan again, at the back.

``seats_taken`` is kept beside the rows and can be rebuilt from them (``recount_seats``).
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meetups import reminders
from meetups.models import Meetup, Rsvp


class RsvpRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def _held(meetup: Meetup) -> Meetup:
    held = Meetup.objects.select_for_update().filter(pk=meetup.pk).first()
    if held is None:
        raise RsvpRefused(_("This meetup does not exist any more."))
    return held


@transaction.atomic(durable=True)
def answer_meetup(*, meetup: Meetup, fan, now: datetime | None = None) -> Rsvp:
    """The fan's seat, or their place on the waiting list if the meetup is full. Answering twice
    keeps the first answer."""
    if not fan.is_authenticated:
        raise RsvpRefused(_("Sign in to join the meetup."))
    now = now or timezone.now()
    meetup = _held(meetup)
    if meetup.status != Meetup.Status.APPROVED:
        raise RsvpRefused(_("This meetup is not open for answers."))
    if meetup.starts_at <= now:
        raise RsvpRefused(_("This meetup has already started."))
    rsvp = Rsvp.objects.filter(meetup=meetup, fan=fan).first()
    if rsvp is not None and rsvp.status != Rsvp.Status.CANCELLED:
        return rsvp
    seated = (
        Meetup.objects.filter(pk=meetup.pk, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1) == 1
    )
    status = Rsvp.Status.GOING if seated else Rsvp.Status.WAITING
    if rsvp is None:
        return Rsvp.objects.create(meetup=meetup, fan=fan, status=status, queued_at=now, updated_at=now)
    Rsvp.objects.filter(pk=rsvp.pk).update(status=status, queued_at=now, updated_at=now)
    rsvp.status, rsvp.queued_at, rsvp.updated_at = status, now, now
    return rsvp


@transaction.atomic(durable=True)
def cancel_rsvp(*, meetup: Meetup, fan, now: datetime | None = None) -> Rsvp | None:
    """Cancel the fan's seat or place on the waiting list. A freed seat goes to the first on the
    waiting list, who is returned (None if no one was promoted)."""
    now = now or timezone.now()
    meetup = _held(meetup)
    rsvp = Rsvp.objects.filter(meetup=meetup, fan=fan).exclude(status=Rsvp.Status.CANCELLED).first()
    if rsvp is None:
        raise RsvpRefused(_("You have no seat or place on the waiting list to cancel."))
    Rsvp.objects.filter(pk=rsvp.pk).update(status=Rsvp.Status.CANCELLED, updated_at=now)
    if rsvp.status != Rsvp.Status.GOING:
        return None
    first = (
        Rsvp.objects.filter(meetup=meetup, status=Rsvp.Status.WAITING).order_by("queued_at", "id").first()
        if meetup.starts_at > now
        else None
    )
    if first is None:
        Meetup.objects.filter(pk=meetup.pk).update(seats_taken=F("seats_taken") - 1)
        return None
    # The seat passes on: seats_taken does not change.
    Rsvp.objects.filter(pk=first.pk).update(status=Rsvp.Status.GOING, updated_at=now)
    first.status, first.updated_at = Rsvp.Status.GOING, now
    # Told in the same commit (in-app; e-mail through the outbox, after it).
    reminders.tell_promoted(rsvp=first)
    return first


def recount_seats(*, meetup_ids=None) -> int:
    """Set each meetup's seats_taken from its RSVP rows; returns how many were wrong."""
    meetups = Meetup.objects.all() if meetup_ids is None else Meetup.objects.filter(pk__in=meetup_ids)
    wrong = 0
    for pk, stored, actual in meetups.annotate(
        actual=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.GOING))
    ).values_list("pk", "seats_taken", "actual"):
        if stored != actual:
            wrong += Meetup.objects.filter(pk=pk).update(seats_taken=actual)
    return wrong
