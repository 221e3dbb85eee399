"""After a meetup: its photo thread opened once, in the photo board, those who went told, the meetup
page linking it; two beats open one."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum.models import Thread
from forum.tests.factories import BoardFactory
from meetups import photos, rsvps
from meetups.models import Meetup
from meetups.tests.factories import make_meetup
from notifications.models import Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_board(settings):
    settings.MEETUPS_PHOTO_BOARD = "meetups"
    return BoardFactory(slug="meetups")


def test_the_photo_thread_opens_once_after_the_meetup_and_those_who_went_are_told(photo_board, client):
    meetup = make_meetup(capacity=1)
    went, waited = UserFactory(), UserFactory()
    rsvps.answer_meetup(meetup=meetup, fan=went)
    rsvps.answer_meetup(meetup=meetup, fan=waited)
    assert photos.open_due_photo_threads(now=meetup.ends_at - timedelta(seconds=1)) == 0
    assert photos.open_due_photo_threads(now=meetup.ends_at) == 1
    assert photos.open_due_photo_threads(now=meetup.ends_at + timedelta(minutes=10)) == 0
    thread = Thread.objects.get(board=photo_board)
    assert thread.author_id == meetup.organiser_id and meetup.title in thread.title
    assert Meetup.objects.get(pk=meetup.pk).photo_thread_id == thread.pk
    told = Notification.objects.filter(key=f"meetup:{meetup.pk}:photos")
    assert list(told.values_list("recipient", flat=True)) == [went.pk]
    html = client.get(meetup.get_absolute_url()).content.decode()
    assert f'href="{reverse("forum:thread", args=[thread.pk])}"' in html


def test_a_pending_meetup_gets_no_photo_thread(photo_board):
    organiser = UserFactory(is_staff=False)
    meetup = make_meetup()
    Meetup.objects.filter(pk=meetup.pk).update(status=Meetup.Status.PENDING, organiser=organiser)
    assert photos.open_due_photo_threads(now=meetup.ends_at) == 0


def test_without_the_photo_board_nothing_is_opened_and_nothing_is_lost(settings, photo_board):
    settings.MEETUPS_PHOTO_BOARD = "no-such-board"
    meetup = make_meetup()
    assert photos.open_due_photo_threads(now=meetup.ends_at) == 0
    settings.MEETUPS_PHOTO_BOARD = "meetups"
    assert photos.open_due_photo_threads(now=meetup.ends_at) == 1  # the next tick, once the board is there


@pytest.mark.django_db(transaction=True)
def test_two_beats_open_one_photo_thread(photo_board):
    meetup = make_meetup()
    results = run_at_once([lambda: photos.open_due_photo_threads(now=meetup.ends_at) for _ in range(2)])
    assert sorted(results) == [0, 1]
    assert Thread.objects.filter(board=photo_board).count() == 1
