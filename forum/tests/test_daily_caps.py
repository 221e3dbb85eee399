"""Daily caps on threads, replies and likes (forum.ratelimits.hold_to_daily_cap), and staff exemption."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking, posting, ratelimits
from forum.models import Like, Post, Thread
from forum.tests.factories import BoardFactory, make_thread
from notifications.models import Kind, Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+08:00"
DAY = 24 * 3600


@pytest.fixture
def caps(settings):
    """Small caps, so a test reaches them in a few steps: (any account, first day)."""
    settings.FORUM_DAILY_CAPS = {"thread": (3, 2), "reply": (3, 2), "like": (3, 2), "idea_vote": (3, 2)}


def reply(client, thread, text):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"source": text})


def new_thread(client, board, title, text):
    return client.post(reverse("forum:new_thread", args=[board.slug]), {"title": title, "source": text})


def like(client, post):
    return client.post(reverse("forum:like", args=[post.pk]))


def replies_by(user):
    return Post.objects.filter(author=user).exclude(thread__author=user).count()


def test_a_reply_over_the_daily_cap_answers_429_keeps_the_text_and_saves_nothing(client, caps, in_english):
    thread, fan = make_thread(), UserFactory()
    client.force_login(fan)
    with time_machine.travel(NOW, tick=False) as clock:
        for i in range(3):
            assert reply(client, thread, f"reply {i}").status_code == 302
            clock.shift(60)
        response = reply(client, thread, "my fourth and careful reply")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == DAY - 3 * 60
    page = response.content.decode()
    assert "my fourth and careful reply" in page
    assert "You have reached the limit of 3 replies a day; try again in 24 hours." in page
    assert replies_by(fan) == 3


def test_the_reply_cap_frees_a_place_exactly_24_hours_after_the_oldest_reply(caps):
    thread, fan = make_thread(), UserFactory()
    with time_machine.travel(NOW, tick=False) as clock:
        for i in range(3):
            posting.reply(thread=thread, author=fan, source=f"reply {i}")
            clock.shift(60)
        clock.move_to(timezone.now() + timedelta(seconds=DAY - 3 * 60 - 1))
        with pytest.raises(ratelimits.LimitReached) as refused:
            posting.reply(thread=thread, author=fan, source="one second too early")
        clock.shift(1)
        posting.reply(thread=thread, author=fan, source="just in time")
    assert refused.value.retry_after == 1
    assert replies_by(fan) == 4


def test_an_accounts_first_day_has_the_stricter_cap(client, caps):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(UserFactory(date_joined=timezone.now()))
        for i in range(2):
            assert reply(client, thread, f"reply {i}").status_code == 302
            clock.shift(60)
        assert reply(client, thread, "third on the first day").status_code == 429


def test_an_established_account_has_the_daily_cap_not_the_first_days(client, caps):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(UserFactory())
        for i in range(3):
            assert reply(client, thread, f"reply {i}").status_code == 302
            clock.shift(60)


def test_a_threads_first_post_is_not_counted_as_a_reply(client, caps):
    board, fan = BoardFactory(), UserFactory()
    with time_machine.travel(NOW, tick=False) as clock:
        for i in range(3):
            make_thread(board=board, author=fan, title=f"Thread number {i}", source=f"opening {i}")
            clock.shift(60)
        client.force_login(fan)
        assert reply(client, Thread.objects.first(), "a reply after three threads").status_code == 302


def test_a_thread_over_the_daily_cap_answers_429_and_keeps_title_and_text(client, caps):
    board, fan = BoardFactory(), UserFactory()
    client.force_login(fan)
    with time_machine.travel(NOW, tick=False) as clock:
        for i in range(3):
            assert new_thread(client, board, f"Thread number {i}", f"text {i}").status_code == 302
            clock.shift(60)
        response = new_thread(client, board, "One thread too many", "my long text")
        clock.move_to(timezone.now() + timedelta(seconds=DAY - 3 * 60))
        accepted = new_thread(client, board, "One thread too many", "my long text")
    assert response.status_code == 429 and int(response["Retry-After"]) == DAY - 3 * 60
    assert response.context["form"]["title"].value() == "One thread too many"
    assert response.context["form"]["source"].value() == "my long text"
    assert accepted.status_code == 302
    assert Thread.objects.filter(author=fan).count() == 4


def test_a_like_over_the_daily_cap_answers_429_and_saves_nothing(client, caps, in_english):
    posts = [make_thread().posts.get() for _ in range(4)]
    client.force_login(UserFactory())
    with time_machine.travel(NOW, tick=False) as clock:
        for post in posts[:3]:
            assert like(client, post).status_code == 302
            clock.shift(60)
        response = like(client, posts[3])
        clock.move_to(timezone.now() + timedelta(seconds=DAY - 3 * 60))
        accepted = like(client, posts[3])
    assert response.status_code == 429 and int(response["Retry-After"]) == DAY - 3 * 60
    assert "You have reached the limit of 3 likes a day" in response.content.decode()
    assert accepted.status_code == 302
    assert Like.objects.count() == 4 and Post.objects.get(pk=posts[3].pk).like_count == 1


def test_taking_a_like_back_is_allowed_at_the_cap_and_frees_a_place(client, caps):
    posts = [make_thread().posts.get() for _ in range(4)]
    client.force_login(UserFactory())
    with time_machine.travel(NOW, tick=False):
        for post in posts[:3]:
            like(client, post)
        assert like(client, posts[0]).status_code == 302  # unlike
        assert like(client, posts[3]).status_code == 302
    assert set(Like.objects.values_list("post_id", flat=True)) == {p.pk for p in posts[1:]}


@pytest.mark.parametrize("staff", [{"roles": [Role.MODERATOR]}, {"is_staff": True}])
def test_staff_and_moderators_are_exempt_from_posting_limits(client, caps, staff):
    thread = make_thread()
    board = BoardFactory()
    posts = [make_thread().posts.get() for _ in range(4)]
    with time_machine.travel(NOW, tick=False):
        # A first day, so the burst, hourly and first-day rules would all apply to a fan.
        client.force_login(UserFactory(date_joined=timezone.now(), **staff))
        for i in range(4):
            assert reply(client, thread, f"moderator note {i}").status_code == 302
            assert new_thread(client, board, f"Announcement {i}", f"announcement {i}").status_code == 302
            assert like(client, posts[i]).status_code == 302
        assert (
            reply(client, thread, "[a](https://a.example) [b](https://b.example) [c](https://c.example)").status_code
            == 302
        )


def test_a_fan_is_held_to_the_same_limits(client, caps):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory(date_joined=timezone.now()))
        assert reply(client, thread, "fan note 0").status_code == 302
        assert reply(client, thread, "fan note 1").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_two_replies_at_once_cannot_both_take_the_last_place(caps):
    fan = UserFactory()
    threads = [make_thread(board=BoardFactory()) for _ in range(4)]
    posting.reply(thread=threads[0], author=fan, source="first")
    posting.reply(thread=threads[1], author=fan, source="second")

    def last_place(thread, text):
        try:
            return posting.reply(thread=thread, author=fan, source=text)
        except ratelimits.LimitReached:
            return None

    # Different threads in different boards: only the author's row orders them.
    results = run_at_once([lambda: last_place(threads[2], "third"), lambda: last_place(threads[3], "fourth")])
    assert sum(result is not None for result in results) == 1
    assert replies_by(fan) == 3


@pytest.mark.django_db(transaction=True)
def test_two_likes_at_once_cannot_both_take_the_last_place(caps):
    fan = UserFactory()
    posts = [make_thread().posts.get() for _ in range(4)]
    for post in posts[:2]:
        liking.toggle_like(post=post, user=fan)

    def last_place(post):
        try:
            return liking.toggle_like(post=post, user=fan)
        except ratelimits.LimitReached:
            return None

    results = run_at_once([lambda: last_place(posts[2]), lambda: last_place(posts[3])])
    assert results.count(True) == 1
    assert Like.objects.filter(user=fan).count() == 3


@pytest.mark.django_db(transaction=True)
def test_holding_an_account_to_its_cap_does_not_block_rows_that_name_it():
    """The cap's lock on the account queues its own writes only: another transaction committing a row
    that names the account (a notification, whose foreign key is checked at commit) does not wait for
    it. With FOR UPDATE it did, and a reply waiting for the thread deadlocked with the notification job
    (PostgreSQL's deadlock detector broke it after a second, which the storm benchmark showed as p99)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks")
    fan = UserFactory()
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                ratelimits.hold_to_daily_cap(user=fan, kind="reply", rows=Post.objects.filter(author=fan))
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            Notification.objects.create(recipient=fan, kind=Kind.REPLY, key="k", url="/", actor=fan)
        assert Notification.objects.filter(recipient=fan).count() == 1
    finally:
        release.set()
        holder.join(10)
