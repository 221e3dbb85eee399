"""RSVPs: seats up to the capacity, then the waiting list; cancelling passes the seat to the first
waiting; never more seats than the capacity, also under concurrent RSVPs on PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from accounts.tests.factories import UserFactory
from meetups import rsvps
from meetups.models import Meetup, Rsvp
from meetups.rsvps import RsvpRefused
from meetups.tests.factories import make_meetup
from notifications.models import Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def seats(meetup):
    meetup.refresh_from_db()
    return meetup.seats_taken


def test_answers_take_seats_then_queue():
    meetup = make_meetup(capacity=2)
    statuses = [rsvps.answer_meetup(meetup=meetup, fan=UserFactory()).status for _ in range(3)]
    assert statuses == ["going", "going", "waiting"]
    assert seats(meetup) == 2


def test_answering_twice_keeps_the_first_answer():
    meetup, fan = make_meetup(capacity=2), UserFactory()
    first = rsvps.answer_meetup(meetup=meetup, fan=fan)
    assert rsvps.answer_meetup(meetup=meetup, fan=fan).pk == first.pk
    assert (seats(meetup), Rsvp.objects.count()) == (1, 1)


def test_cancelling_a_seat_passes_it_to_the_first_on_the_waiting_list_and_tells_them():
    meetup = make_meetup(capacity=1)
    going, first, second = UserFactory(), UserFactory(), UserFactory()
    for fan in (going, first, second):
        rsvps.answer_meetup(meetup=meetup, fan=fan)
    promoted = rsvps.cancel_rsvp(meetup=meetup, fan=going)
    assert promoted.fan_id == first.pk
    assert dict(Rsvp.objects.values_list("fan", "status")) == {
        going.pk: "cancelled",
        first.pk: "going",
        second.pk: "waiting",
    }
    assert seats(meetup) == 1
    assert Notification.objects.filter(recipient=first, kind="meetup").count() == 1


def test_cancelling_with_no_one_waiting_frees_the_seat():
    meetup, fan = make_meetup(capacity=1), UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=fan)
    assert rsvps.cancel_rsvp(meetup=meetup, fan=fan) is None
    assert seats(meetup) == 0


def test_leaving_the_waiting_list_moves_no_seat():
    meetup = make_meetup(capacity=1)
    rsvps.answer_meetup(meetup=meetup, fan=UserFactory())
    waiting = UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=waiting)
    assert rsvps.cancel_rsvp(meetup=meetup, fan=waiting) is None
    assert seats(meetup) == 1


def test_answering_again_after_cancelling_queues_at_the_back():
    meetup = make_meetup(capacity=1)
    fan, other = UserFactory(), UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=fan)
    rsvps.cancel_rsvp(meetup=meetup, fan=fan)
    rsvps.answer_meetup(meetup=meetup, fan=other)
    assert rsvps.answer_meetup(meetup=meetup, fan=fan).status == "waiting"
    assert Rsvp.objects.filter(fan=fan).count() == 1


def test_cancelling_without_an_answer_is_refused():
    with pytest.raises(RsvpRefused, match="no seat"):
        rsvps.cancel_rsvp(meetup=make_meetup(), fan=UserFactory())


def test_a_started_meetup_takes_no_answers():
    meetup = make_meetup()
    with pytest.raises(RsvpRefused, match="already started"):
        rsvps.answer_meetup(meetup=meetup, fan=UserFactory(), now=meetup.starts_at)
    assert Rsvp.objects.count() == 0


def test_a_pending_meetup_takes_no_answers():
    meetup = make_meetup()
    Meetup.objects.filter(pk=meetup.pk).update(status=Meetup.Status.PENDING)
    with pytest.raises(RsvpRefused, match="not open"):
        rsvps.answer_meetup(meetup=meetup, fan=UserFactory())


def test_the_database_refuses_more_seats_than_the_capacity():
    meetup = make_meetup(capacity=1)
    with pytest.raises(IntegrityError):
        Meetup.objects.filter(pk=meetup.pk).update(seats_taken=2)


def test_the_recount_rebuilds_seats_from_the_rows():
    meetup = make_meetup(capacity=3)
    rsvps.answer_meetup(meetup=meetup, fan=UserFactory())
    Meetup.objects.filter(pk=meetup.pk).update(seats_taken=3)
    assert rsvps.recount_seats() == 1
    assert seats(meetup) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_never_take_more_seats_than_the_capacity():
    meetup = make_meetup(capacity=3)
    fans = [UserFactory() for _ in range(8)]
    results = run_at_once([lambda fan=fan: rsvps.answer_meetup(meetup=meetup, fan=fan).status for fan in fans])
    assert sorted(results) == ["going"] * 3 + ["waiting"] * 5
    assert seats(meetup) == 3 == Rsvp.objects.filter(status="going").count()


@pytest.mark.django_db(transaction=True)
def test_a_cancel_racing_a_new_answer_leaves_no_free_seat_while_someone_waits():
    meetup = make_meetup(capacity=1)
    going, newcomer = UserFactory(), UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=going)
    run_at_once(
        [lambda: rsvps.cancel_rsvp(meetup=meetup, fan=going), lambda: rsvps.answer_meetup(meetup=meetup, fan=newcomer)]
    )
    assert Rsvp.objects.get(fan=newcomer).status == "going"
    assert seats(meetup) == 1


@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_promote_two_different_fans():
    meetup = make_meetup(capacity=2, starts_in=timedelta(days=2))
    going = [UserFactory(), UserFactory()]
    waiting = [UserFactory(), UserFactory(), UserFactory()]
    for fan in going + waiting:
        rsvps.answer_meetup(meetup=meetup, fan=fan)
    promoted = run_at_once([lambda fan=fan: rsvps.cancel_rsvp(meetup=meetup, fan=fan).fan_id for fan in going])
    assert sorted(promoted) == sorted(fan.pk for fan in waiting[:2])
    assert seats(meetup) == 2 == Rsvp.objects.filter(status="going").count()
