"""Redis is optional at run time: with the cache server stopped, fans sign in (allauth's form), reply, vote
and report; /healthz says degraded; started again, the cache is used again. Against a private
redis-server this test starts and stops (never the shared one)."""

import logging
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from feedback.models import Report
from feedback.tests.reporting import SATURDAY, items_of, published_release, upcoming_idea
from forum.models import Post
from forum.tests.factories import make_thread
from ideas.models import IdeaVote
from ideas.tests.factories import ideas_product, propose

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class PrivateRedis:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        for _ in range(200):  # until it answers (a start takes some milliseconds)
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def connections_received(self, client) -> int:
        return client.info("stats")["total_connections_received"]


@pytest.fixture
def private_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CACHES = {
        "default": {
            "BACKEND": "canyu.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    yield server
    server.stop()


def test_with_the_cache_stopped_fans_sign_in_reply_vote_and_report(private_redis, settings, caplog):
    with time_machine.travel(SATURDAY, tick=False):  # inside the release's report window
        fan, thread = UserFactory(), make_thread()
        idea = propose(ideas_product(), title="Dark mode")
        release = published_release(items=3)
        awaited = upcoming_idea(release.product)
        items = items_of(release)
        client = Client()
        cache.set("before", 1)
        assert cache.get("before") == 1 and client.get("/healthz").json()["status"] == "ok"

        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="canyu.cache"):
            signed_in = client.post(reverse("account_login"), {"login": fan.username, "password": PASSWORD})
        assert signed_in.status_code == 302 and signed_in.url == reverse("home")
        assert "rate limits fail open" in caplog.text
        assert client.get(thread.get_absolute_url()).status_code == 200  # the session comes from the database
        assert client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Still here"}).status_code == 302
        assert client.post(reverse("ideas:vote", args=[idea.pk])).status_code == 302
        report = {"mood": "happy", "loved": items[0].pk, "weakest": items[1].pk, "awaited": awaited.pk}
        assert (
            client.post(reverse("feedback:report", args=[release.product.slug, release.version]), report).status_code
            == 302
        )
        health = client.get("/healthz")
        assert (health.status_code, health.json()["status"], health.json()["cache"]) == (200, "degraded", "down")

    assert Post.objects.filter(thread=thread, author=fan).count() == 1
    assert IdeaVote.objects.filter(idea=idea, user=fan).exists()
    assert Report.objects.filter(release=release, fan=fan).exists()

    private_redis.start()
    settings.CACHE_RETRY_SECONDS = 0  # the breaker's wait is over
    assert client.get("/healthz").json()["status"] == "ok"
    cache.set("after", 1)
    assert cache.get("after") == 1
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_after_a_failure_the_cache_is_left_alone_for_a_while(private_redis, settings):
    settings.CACHE_RETRY_SECONDS = 60
    private_redis.stop()
    assert cache.get("key") is None  # fails, and opens the breaker
    private_redis.start()
    direct = redis.Redis(port=private_redis.port)
    before = private_redis.connections_received(direct)
    cache.set("key", 1)
    assert cache.get("key") is None and cache.add("slot", 1) is True
    assert private_redis.connections_received(direct) == before  # not asked: no timeout paid
    settings.CACHE_RETRY_SECONDS = 0
    cache.set("key", 1)
    assert cache.get("key") == 1
    assert cache.add("key", 2) is False  # answering again, add is a real add


def test_a_write_missed_while_redis_hung_is_not_undone_when_it_answers_again(private_redis, settings):
    cache.set("copy", "old")
    private_redis.pause()  # a Redis that hangs keeps its data: connections open, no answer
    try:
        assert cache.get("other") is None  # times out, and opens the breaker
        cache.set("copy", "new")  # not sent at all: missed
    finally:
        private_redis.resume()
    settings.CACHE_RETRY_SECONDS = 0
    assert cache.get("copy") is None  # not "old": the key of the missed write was deleted first
    cache.set("copy", "newer")
    assert cache.get("copy") == "newer"


def test_a_session_signed_out_while_redis_hung_stays_signed_out(private_redis, settings):
    fan = UserFactory()
    client = Client()
    assert client.post(reverse("account_login"), {"login": fan.username, "password": PASSWORD}).status_code == 302
    cookie = client.cookies["sessionid"].value
    private_redis.pause()
    try:
        assert client.post(reverse("account_logout")).status_code == 302
    finally:
        private_redis.resume()
    settings.CACHE_RETRY_SECONDS = 0
    client.cookies["sessionid"] = cookie  # someone who kept the old cookie
    assert "_auth_user_id" not in client.get(reverse("home")).wsgi_request.session
