"""Organising a meetup and reviewing it.

A meetup by staff is official and approved at once; a fan's waits for a moderator. The review is a
conditional UPDATE (``WHERE status = 'pending'``): two moderators clicking at once make one decision.
Times are given in the city's time zone (meetups.forms) and stored in UTC.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.access import is_moderator
from meetups.models import CAPACITY_MAX, City, Meetup
from meetups.organisers import is_official_organiser, may_organise

LONGEST = timedelta(hours=24)


class MeetupRefused(Exception):
    """A rule said no; the message is for the person who tried."""


@transaction.atomic(durable=True)
def organise_meetup(
    *,
    organiser,
    city: City,
    title: str,
    description: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    now: datetime | None = None,
) -> Meetup:
    """A new meetup: official and approved if staff organise it, else waiting for a moderator."""
    if not may_organise(organiser):
        raise MeetupRefused(_("Only staff and established fans may organise meetups."))
    now = now or timezone.now()
    if starts_at <= now:
        raise MeetupRefused(_("The meetup must start in the future."))
    if not starts_at < ends_at <= starts_at + LONGEST:
        raise MeetupRefused(_("The meetup must end after it starts, within 24 hours."))
    if not 1 <= capacity <= CAPACITY_MAX:
        raise MeetupRefused(_("Give between 1 and %(max)d seats.") % {"max": CAPACITY_MAX})
    official = is_official_organiser(organiser)
    return Meetup.objects.create(
        city=city,
        title=title,
        description=description,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        organiser=organiser,
        official=official,
        status=Meetup.Status.APPROVED if official else Meetup.Status.PENDING,
        reviewed_by=organiser if official else None,
        created_at=now,
    )


def review_meetup(*, meetup: Meetup, moderator, approve: bool) -> bool:
    """Approve or reject a fan's meetup waiting for review. True if this call decided it."""
    if not is_moderator(moderator):
        raise MeetupRefused(_("Only moderators review meetups."))
    status = Meetup.Status.APPROVED if approve else Meetup.Status.REJECTED
    return (
        Meetup.objects.filter(pk=meetup.pk, status=Meetup.Status.PENDING).update(status=status, reviewed_by=moderator)
        == 1
    )
