"""View counts, unread marks, quote-reply."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum import posting, viewcounts
from forum.models import Thread
from forum.tests.factories import make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_view_buffer():
    viewcounts.flush_views()
    yield
    viewcounts.flush_views()


def test_a_page_view_writes_nothing_to_the_threads_table(client):
    thread = make_thread()
    with CaptureQueriesContext(connection) as queries:
        client.get(thread.get_absolute_url())
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "forum_thread" in q["sql"]]
    assert Thread.objects.get(pk=thread.pk).view_count == 0


def test_views_are_flushed_to_the_database_in_a_batch(client):
    first, second = make_thread(), make_thread()
    for _ in range(3):
        client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    assert viewcounts.flush_views() == 4
    assert Thread.objects.get(pk=first.pk).view_count == 3
    assert Thread.objects.get(pk=second.pk).view_count == 1
    assert viewcounts.flush_views() == 0  # nothing counted twice


def test_the_flush_task_is_scheduled_every_minute():
    assert settings.CELERY_BEAT_SCHEDULE["flush-thread-views"]["task"] == "forum.tasks.flush_thread_views"
    from forum.tasks import flush_thread_views

    thread = make_thread()
    viewcounts.record_view(thread.pk)
    flush_thread_views.apply()
    assert Thread.objects.get(pk=thread.pk).view_count == 1


def _redis_views(thread_id):
    from django_redis import get_redis_connection

    return int(get_redis_connection("default").hget(viewcounts.REDIS_KEY, thread_id) or 0)


def test_views_are_handed_to_redis_once_a_second_not_once_a_view(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: without Redis the views wait in memory for the database")
    thread = make_thread()
    settings.FORUM_VIEW_HOLD_SECONDS = 3600
    client.get(thread.get_absolute_url())
    client.get(thread.get_absolute_url())
    assert _redis_views(thread.pk) == 0  # held in this process
    settings.FORUM_VIEW_HOLD_SECONDS = 0
    client.get(thread.get_absolute_url())
    assert _redis_views(thread.pk) == 3  # all three at once
    assert viewcounts.flush_views() == 3
    assert Thread.objects.get(pk=thread.pk).view_count == 3


def test_views_held_while_redis_is_down_are_handed_over_later(settings, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: without Redis the views wait in memory for the database")
    import redis

    thread = make_thread()
    settings.FORUM_VIEW_HOLD_SECONDS = 0
    with monkeypatch.context() as down:
        down.setattr(viewcounts, "_redis", lambda: redis.Redis(port=1, socket_connect_timeout=0.2))
        viewcounts.record_view(thread.pk)  # Redis refuses: kept, and no error for the page
        viewcounts.record_view(thread.pk)
    assert _redis_views(thread.pk) == 0
    viewcounts.record_view(thread.pk)
    assert _redis_views(thread.pk) == 3


def test_a_thread_with_new_posts_is_marked_unread_until_opened(client):
    thread = make_thread(title="Read me please")
    fan = UserFactory()
    client.force_login(fan)
    board_url = thread.board.get_absolute_url()
    assert reverse("forum:first_unread", args=[thread.pk]) in client.get(board_url).content.decode()
    client.get(thread.get_absolute_url())
    assert reverse("forum:first_unread", args=[thread.pk]) not in client.get(board_url).content.decode()
    posting.reply(thread=thread, author=UserFactory(), source="news")
    assert reverse("forum:first_unread", args=[thread.pk]) in client.get(board_url).content.decode()


def test_jump_to_first_unread_lands_on_the_first_new_post(client):
    thread = make_thread(replies=25)
    fan = UserFactory()
    client.force_login(fan)
    client.get(thread.get_absolute_url())  # reads page 1: posts 1-20
    first_new = thread.posts.order_by("id")[20]
    response = client.get(reverse("forum:first_unread", args=[thread.pk]), follow=False)
    assert response.url == first_new.get_absolute_url()


def test_quote_prefills_the_reply_with_author_and_link(client):
    author = UserFactory(username="quoted")
    thread = make_thread(author=author, source="> older quote\nThe actual words")
    post = thread.posts.get()
    client.force_login(UserFactory())
    form = client.get(thread.get_absolute_url(), {"quote": post.pk}).context["form"]
    source = form.initial["source"]
    assert source.startswith(f"> @quoted [#{post.pk}](/p/{post.pk}/)")
    assert "> The actual words" in source and "older quote" not in source


def test_quoting_a_hidden_post_quotes_nothing(client):
    thread = make_thread(replies=1)
    hidden = thread.posts.order_by("id").last()
    type(hidden).objects.filter(pk=hidden.pk).update(hidden=True)
    client.force_login(UserFactory())
    assert "source" not in client.get(thread.get_absolute_url(), {"quote": hidden.pk}).context["form"].initial


def test_reading_and_posting_work_when_redis_is_down(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the embedded set-up has no Redis to lose")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    thread = make_thread()
    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"source": "still here"}).status_code == 302
    assert thread.posts.count() == 2


def test_revisiting_a_read_thread_writes_nothing(client):
    thread = make_thread(replies=2)
    client.force_login(UserFactory())
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(thread.get_absolute_url())
    assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
