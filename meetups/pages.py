"""Every query the meetup pages make, one function per page; templates never query."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.http import Http404
from django.utils import timezone

from forum.access import is_moderator
from meetups.models import City, Meetup, Rsvp

LISTED = 200
ATTENDEES_SHOWN = 100


@dataclass
class CityGroup:
    city: City
    meetups: list[Meetup]
    own: bool = False


@dataclass
class MeetupList:
    groups: list[CityGroup] = field(default_factory=list)
    answered: dict[int, str] = field(default_factory=dict)


def meetup_list(user, *, now: datetime | None = None) -> MeetupList:
    """Approved meetups to come, by city, the reader's own city (their profile's) first, then by name;
    one query with the cities, and one for the reader's answers."""
    now = now or timezone.now()
    meetups = list(
        Meetup.objects.filter(status=Meetup.Status.APPROVED, ends_at__gt=now)
        .select_related("city")
        .order_by("city__name", "starts_at", "pk")[:LISTED]
    )
    own_city = (getattr(user, "city", "") or "").strip().casefold()
    page = MeetupList()
    for _city_id, rows in groupby(meetups, key=lambda meetup: meetup.city_id):
        group = list(rows)
        city = group[0].city
        page.groups.append(CityGroup(city=city, meetups=group, own=bool(own_city) and city.name.casefold() == own_city))
    page.groups.sort(key=lambda group: not group.own)  # stable: the reader's city first, the rest by name
    if user.is_authenticated and meetups:
        page.answered = dict(
            Rsvp.objects.filter(fan=user, meetup__in=[meetup.pk for meetup in meetups])
            .exclude(status=Rsvp.Status.CANCELLED)
            .values_list("meetup_id", "status")
        )
    return page


@dataclass
class MeetupPage:
    meetup: Meetup
    rsvp: Rsvp | None
    attendees: list[Rsvp]
    waiting: int
    now: datetime

    @property
    def open_for_answers(self) -> bool:
        return self.meetup.status == Meetup.Status.APPROVED and self.meetup.starts_at > self.now


def access_meetup(user, meetup_id: int) -> Meetup:
    """The meetup with its city and organiser, or 404 if it is not for this reader."""
    meetup = Meetup.objects.select_related("city", "organiser").filter(pk=meetup_id).first()
    if meetup is None:
        raise Http404
    # The moderator check (two permission queries) only for meetups not open to everyone.
    if meetup.status != Meetup.Status.APPROVED and meetup.organiser_id != user.pk and not is_moderator(user):
        raise Http404
    return meetup


def meetup_page(user, meetup_id: int, *, now: datetime | None = None) -> MeetupPage:
    """The meetup (one query), who is going with their names (one), how many wait (one), the reader's
    answer (one)."""
    meetup = access_meetup(user, meetup_id)
    rsvps = Rsvp.objects.filter(meetup=meetup)
    attendees = list(
        rsvps.filter(status=Rsvp.Status.GOING).select_related("fan").order_by("queued_at", "id")[:ATTENDEES_SHOWN]
    )
    waiting = rsvps.filter(status=Rsvp.Status.WAITING).count()
    rsvp = rsvps.filter(fan=user).first() if user.is_authenticated else None
    return MeetupPage(meetup=meetup, rsvp=rsvp, attendees=attendees, waiting=waiting, now=now or timezone.now())


def pending_meetups():
    """The moderators' queue: fans' meetups waiting for review, oldest first (one query)."""
    return list(
        Meetup.objects.filter(status=Meetup.Status.PENDING).select_related("city", "organiser").order_by("created_at")
    )
