import zlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from forum import posting
from forum.models import Post, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+08:00"


def reply(client, thread, text):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"source": text})


def test_a_second_reply_within_5_seconds_gets_429_and_keeps_the_text(client):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory())
        assert reply(client, thread, "first").status_code == 302
        response = reply(client, thread, "my careful second thought")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 5
    assert "my careful second thought" in response.content.decode()
    assert thread.posts.count() == 2


def test_after_the_window_the_fan_may_post_again(client):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(UserFactory())
        reply(client, thread, "first")
        clock.shift(5.1)
        assert reply(client, thread, "second").status_code == 302


def test_threads_are_limited_to_one_per_30_seconds(client):
    board = BoardFactory()
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(UserFactory())
        url = reverse("forum:new_thread", args=[board.slug])
        assert client.post(url, {"title": "First thread", "source": "x"}).status_code == 302
        assert client.post(url, {"title": "Second thread", "source": "y"}).status_code == 429
        clock.shift(30)
        assert client.post(url, {"title": "Second thread", "source": "y"}).status_code == 302
    assert Thread.objects.count() == 2


def test_new_accounts_have_an_hourly_limit(client, settings):
    # Out of the way: the first day's cap on replies (tested below) is as low as the hourly limit.
    settings.FORUM_DAILY_CAPS = settings.FORUM_DAILY_CAPS | {"reply": (200, 50)}
    thread = make_thread()
    fan = UserFactory()
    with time_machine.travel(_start_of_hourly_window(fan), tick=False) as clock:
        User.objects.filter(pk=fan.pk).update(date_joined=timezone.now())
        fan.refresh_from_db()
        client.force_login(fan)
        for i in range(10):
            assert reply(client, thread, f"post {i}").status_code == 302
            clock.shift(6)
        assert reply(client, thread, "one too many").status_code == 429
        clock.shift(3600)
        assert reply(client, thread, "an hour later").status_code == 302


def _start_of_hourly_window(user) -> datetime:
    """A second into ``user``'s current hour of the limit: django-ratelimit's windows start at an offset
    drawn from the key (zlib.crc32 of the user's id), so a fixed clock could put the boundary in the
    middle of the test's minute of replies and let the eleventh through (a flaky test, 1 run in 60)."""
    period = 3600
    now = int(datetime.fromisoformat(NOW).timestamp())
    start = now - now % period + zlib.crc32(str(user.pk).encode()) % period
    return datetime.fromtimestamp((start if start <= now else start - period) + 1, tz=UTC)


def test_established_accounts_have_no_hourly_limit(client):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(UserFactory())
        for i in range(11):
            assert reply(client, thread, f"post {i}").status_code == 302
            clock.shift(6)


@pytest.mark.parametrize(
    "text",
    [
        "[a](https://a.example) [b](https://b.example) [c](https://c.example)",
        "![a](/media/a.webp) ![b](/media/b.webp) ![c](/media/c.webp)",
    ],
)
def test_new_accounts_may_post_at_most_two_links_or_images(client, text):
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory(date_joined=timezone.now()))
        response = reply(client, thread, text)
    assert response.status_code == 400
    assert thread.posts.count() == 1


def test_established_accounts_may_post_three_links(client):
    thread = make_thread()
    client.force_login(UserFactory())
    three_links = "[a](https://a.example) [b](https://b.example) [c](https://c.example)"
    assert reply(client, thread, three_links).status_code == 302
    assert Post.objects.count() == 2


def test_new_accounts_may_mention_at_most_two_people(client):
    for name in ("ann", "ben", "cat"):
        UserFactory(username=name)
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory(date_joined=timezone.now()))
        response = reply(client, thread, "@ann @ben @cat look at this")
    assert response.status_code == 400
    assert response.context["form"]["source"].value() == "@ann @ben @cat look at this"
    assert thread.posts.count() == 1


def test_new_accounts_may_mention_two_people(client):
    for name in ("ann", "ben", "cat"):
        UserFactory(username=name)
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        client.force_login(UserFactory(date_joined=timezone.now()))
        assert reply(client, thread, "@ann @ben look at this").status_code == 302


def test_established_accounts_may_mention_three_people(client):
    for name in ("ann", "ben", "cat"):
        UserFactory(username=name)
    thread = make_thread()
    client.force_login(UserFactory())
    assert reply(client, thread, "@ann @ben @cat look at this").status_code == 302


def test_an_account_is_new_until_exactly_one_day_old():
    for name in ("ann", "ben", "cat"):
        UserFactory(username=name)
    thread = make_thread()
    with time_machine.travel(NOW, tick=False) as clock:
        fan = UserFactory(date_joined=timezone.now())
        clock.shift(24 * 3600 - 1)
        with pytest.raises(posting.PostingRefused):
            posting.reply(thread=thread, author=fan, source="@ann @ben @cat too early")
        clock.shift(1)
        posting.reply(thread=thread, author=fan, source="@ann @ben @cat one day old")
    assert thread.posts.count() == 2
