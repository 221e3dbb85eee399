"""Who may organise, moderators' review, reminders the day before (once), the .ics file, times in the
city's zone."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from meetups import ics, organising, reminders, rsvps
from meetups.forms import city_time
from meetups.models import Meetup
from meetups.organisers import may_organise
from meetups.tests.factories import fan_at_level, make_city, make_meetup
from notifications.models import Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def test_staff_may_organise_and_their_meetups_are_official_and_approved():
    meetup = make_meetup()
    assert (meetup.official, meetup.status) == (True, Meetup.Status.APPROVED)


def test_a_fan_at_the_level_may_organise_and_waits_for_a_moderator(settings):
    settings.MEETUPS_ORGANISER_MIN_LEVEL = 3
    fan = fan_at_level(3)
    meetup = make_meetup(organiser=fan)
    assert (meetup.official, meetup.status) == (False, Meetup.Status.PENDING)


@pytest.mark.parametrize("fan_level", [None, 1, 2])
def test_a_fan_below_the_level_may_not_organise_however_old_or_busy(settings, fan_level):
    settings.MEETUPS_ORGANISER_MIN_LEVEL = 3
    old_and_busy = {"post_count": 500, "date_joined": timezone.now() - timedelta(days=900)}
    fan = UserFactory(**old_and_busy) if fan_level is None else fan_at_level(fan_level, **old_and_busy)
    assert not may_organise(fan)
    with pytest.raises(organising.MeetupRefused):
        make_meetup(organiser=fan)
    assert Meetup.objects.count() == 0


def test_a_meetup_in_the_past_is_refused():
    with pytest.raises(organising.MeetupRefused, match="future"):
        make_meetup(starts_in=timedelta(minutes=-1))


def test_a_moderator_approves_once():
    fan = fan_at_level(4)
    meetup = make_meetup(organiser=fan)
    moderator = UserFactory(roles=[Role.MODERATOR])
    assert organising.review_meetup(meetup=meetup, moderator=moderator, approve=True)
    assert not organising.review_meetup(meetup=meetup, moderator=moderator, approve=False)
    meetup.refresh_from_db()
    assert meetup.status == Meetup.Status.APPROVED


def test_a_fan_may_not_review():
    fan = fan_at_level(4)
    meetup = make_meetup(organiser=fan)
    with pytest.raises(organising.MeetupRefused):
        organising.review_meetup(meetup=meetup, moderator=UserFactory(), approve=True)


def test_the_reminder_goes_to_everyone_going_once_the_day_before(django_capture_on_commit_callbacks):
    meetup = make_meetup(capacity=1, starts_in=timedelta(days=3))
    going, waiting = UserFactory(), UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=going)
    rsvps.answer_meetup(meetup=meetup, fan=waiting)
    day_before = meetup.starts_at - timedelta(hours=24)
    assert reminders.remind_due_meetups(now=day_before - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_due_meetups(now=day_before) == 1
    assert reminders.remind_due_meetups(now=day_before + timedelta(minutes=10)) == 0
    told = Notification.objects.filter(kind="meetup", key=f"meetup:{meetup.pk}:reminder")
    assert list(told.values_list("recipient", flat=True)) == [going.pk]
    assert "tomorrow" in told.get().message
    # By e-mail too: meetups are mailed right away unless the fan chose otherwise.
    assert [message.to for message in mail.outbox] == [[going.email]]


@pytest.mark.django_db(transaction=True)
def test_two_beats_send_the_reminder_once():
    meetup = make_meetup(starts_in=timedelta(hours=5))
    rsvps.answer_meetup(meetup=meetup, fan=UserFactory())
    results = run_at_once([lambda: reminders.remind_due_meetups() for _ in range(2)])
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(kind="meetup").count() == 1


def test_a_time_that_daylight_saving_skips_or_repeats_is_refused():
    new_york = ZoneInfo("America/New_York")
    assert city_time(date(2027, 3, 14), time(2, 30), new_york) is None  # skipped
    assert city_time(date(2027, 11, 7), time(1, 30), new_york) is None  # happens twice
    assert city_time(date(2027, 3, 14), time(3, 30), new_york).utcoffset() == timedelta(hours=-4)


def test_the_ics_escapes_text_folds_lines_and_uses_utc():
    city = make_city()
    meetup = make_meetup(city=city, title="Popcorn; fans, \\ friends " + "米粉" * 40)
    body = ics.meetup_ics(meetup, url="https://canyu.example/meetups/1/", host="canyu.example", now=timezone.now())
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Popcorn\\; fans\\, \\\\ friends 米粉" in unfolded
    assert f"DTSTART:{meetup.starts_at.astimezone(ZoneInfo('UTC')).strftime('%Y%m%dT%H%M%SZ')}" in unfolded
    assert "\n" not in body.replace("\r\n", "")


def test_a_description_with_line_breaks_stays_on_one_content_line():
    assert ics.escape_text("a\nb\r\nc") == "a\\nb\\nc"
