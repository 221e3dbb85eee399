"""Meetup pages: the list by city with the reader's city first, a meetup's page and its .ics, RSVP
and cancel through the page, organising with bad input refused, the review queue; query counts."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from meetups import rsvps
from meetups.models import Meetup, Rsvp
from meetups.tests.factories import fan_at_level, make_city, make_meetup
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def test_the_readers_city_comes_first(client, fan):
    make_meetup(city=make_city("Beijing"), title="Beijing popcorn")
    make_meetup(city=make_city("Wuhan"), title="Wuhan popcorn")
    fan.city = "wuhan"
    fan.save()
    html = client.get(reverse("meetups:list")).content.decode()
    assert html.index("Wuhan popcorn") < html.index("Beijing popcorn")
    anonymous = client.__class__().get(reverse("meetups:list")).content.decode()
    assert anonymous.index("Beijing popcorn") < anonymous.index("Wuhan popcorn")


def test_times_are_shown_in_the_citys_zone(client, fan):
    meetup = make_meetup(city=make_city("London", "Europe/London"))
    html = client.get(meetup.get_absolute_url()).content.decode()
    local = timezone.localtime(meetup.starts_at, timezone=ZoneInfo("Europe/London"))
    assert local.strftime("%Y-%m-%d %H:%M") in html and "Europe/London" in html


def test_rsvp_and_cancel_through_the_page(client, fan):
    meetup = make_meetup(capacity=1)
    assert client.post(reverse("meetups:rsvp", args=[meetup.pk])).status_code == 302
    assert Rsvp.objects.get(fan=fan).status == "going"
    assert "Cancel my seat" in client.get(meetup.get_absolute_url()).content.decode()
    assert client.post(reverse("meetups:cancel", args=[meetup.pk])).status_code == 302
    assert Rsvp.objects.get(fan=fan).status == "cancelled"


def test_cancelling_without_a_seat_is_a_400_with_the_reason(client, fan):
    meetup = make_meetup()
    response = client.post(reverse("meetups:cancel", args=[meetup.pk]))
    assert response.status_code == 400
    assert "no seat or place on the waiting list" in response.content.decode()


def test_a_pending_meetup_is_404_for_other_fans(client, fan):
    organiser = fan_at_level(4)
    meetup = make_meetup(organiser=organiser)
    assert meetup.status == Meetup.Status.PENDING
    assert client.get(meetup.get_absolute_url()).status_code == 404


def test_the_ics_file_is_served_as_a_calendar(client, fan):
    meetup = make_meetup()
    response = client.get(reverse("meetups:ics", args=[meetup.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in response.content and b"SUMMARY:Popcorn in the park" in response.content


def form(city, **changes):
    data = {
        "city": city.pk,
        "title": "Shenzhen Bay walk",
        "description": "",
        "place": "Shenzhen Bay Park",
        "day": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%d"),
        "starts": "19:00",
        "ends": "21:00",
        "capacity": "20",
    }
    data.update(changes)
    return data


def test_a_fan_who_may_not_organise_gets_403(client, fan):
    assert client.get(reverse("meetups:new")).status_code == 403


def test_organising_stores_the_citys_time_in_utc(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    city = make_city()
    response = client.post(reverse("meetups:new"), form(city))
    assert response.status_code == 302
    meetup = Meetup.objects.get()
    assert timezone.localtime(meetup.starts_at, timezone=ZoneInfo("Asia/Shanghai")).hour == 19
    assert meetup.starts_at.astimezone(ZoneInfo("UTC")).hour == 11


def test_bad_input_is_refused_keeping_the_text(client):
    client.force_login(UserFactory(is_staff=True))
    city = make_city()
    response = client.post(reverse("meetups:new"), form(city, capacity="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Shenzhen Bay walk" in html and "greater than or equal to 1" in html
    assert Meetup.objects.count() == 0


def test_a_meetup_in_the_past_is_refused_with_a_clear_error(client):
    client.force_login(UserFactory(is_staff=True))
    city = make_city()
    yesterday = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    response = client.post(reverse("meetups:new"), form(city, day=yesterday))
    assert response.status_code == 400
    assert "must start in the future" in response.content.decode()


def test_only_moderators_see_the_review_queue(client, fan):
    assert client.get(reverse("meetups:review_queue")).status_code == 403
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert client.get(reverse("meetups:review_queue")).status_code == 200


@pytest.mark.parametrize("attendees", [1, 8])
def test_the_meetup_page_makes_a_constant_number_of_queries(
    client, fan, django_assert_num_queries, settings, attendees
):
    meetup = make_meetup(capacity=5)
    for _ in range(attendees):
        rsvps.answer_meetup(meetup=meetup, fan=UserFactory())
    client.get(meetup.get_absolute_url())
    # (session,) meetup + city + organiser, attendees + names, waiting count, the reader's answer
    with django_assert_num_queries(4 + session_queries(settings)):
        assert client.get(meetup.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("cities", [1, 5])
def test_the_list_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, cities):
    for n in range(cities):
        make_meetup(city=make_city(f"City {n}"))
    client.get(reverse("meetups:list"))
    # (session,) meetups + cities, the reader's answers, the reader's honour level (may they organise?)
    with django_assert_num_queries(3 + session_queries(settings)):
        assert client.get(reverse("meetups:list")).status_code == 200
