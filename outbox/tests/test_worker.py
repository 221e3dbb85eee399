"""A reply made while Redis is down: its job waits, then a real worker runs it once Redis is back.

The broker is a private ``redis-server`` on a spare port, started and stopped
by the test; the worker is a real ``celery -A canyu worker`` on this test's
PostgreSQL database. Runs where DATABASE_URL is PostgreSQL and REDIS_URL set.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum import following
from forum.tests.factories import make_thread
from notifications.models import Kind, Notification
from outbox import relay
from outbox.models import Job
from outbox.tests.test_relay import spare_port
from releases.tests.test_worker import _test_database_url

REPO_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 40

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.fixture
def private_broker():
    """A broker URL nothing answers yet; yields a function that starts its redis-server. Always stopped."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL: a real worker shares the test database")
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    from canyu.celery import app

    port = spare_port()
    url = f"redis://127.0.0.1:{port}/0"
    servers = []

    def start():
        servers.append(
            subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(lambda: _answers(url), "the private redis-server did not start")

    saved = app.conf.broker_url
    app.conf.broker_url = url
    app._after_fork()  # drops the pooled connections to the old broker (close() would unregister the app)
    try:
        yield url, start
    finally:
        app.conf.broker_url = saved
        app._after_fork()
        relay._broker_down_until = 0.0
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def _answers(url) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def start_worker():
    """Starts one solo worker on a broker; always stopped."""
    from canyu.celery import app

    processes, logs = [], []

    def start(broker_url):
        name = f"outbox-{os.getpid()}@canyu-test"
        # Open while the worker writes to it: closed when the workers are stopped.
        log = tempfile.NamedTemporaryFile(prefix="outbox-worker-", suffix=".log", delete=False)  # noqa: SIM115
        logs.append(log)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "canyu.settings",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DB_CONN_MAX_AGE": "0",
        }
        processes.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "canyu",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    app.conf.task_default_queue,
                    "-n",
                    name,
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        return name

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in logs:
        log.close()
        if not os.environ.get("CANYU_KEEP_WORKER_LOGS"):
            os.unlink(log.name)


def test_a_reply_made_while_redis_is_down_is_told_once_redis_is_back(client, private_broker, start_worker):
    from canyu.celery import app

    url, start_broker = private_broker
    thread = make_thread()
    follower = UserFactory()
    following.follow_thread(user=follower, thread=thread)
    Job.objects.all().delete()  # the thread's own job, sent nowhere: not this test's business
    client.force_login(UserFactory())

    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Me too"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.task == "forum.tasks.tell_followers"

    start_broker()
    worker = start_worker(url)
    wait_for(lambda: app.control.ping(destination=[worker], timeout=0.5), "the worker did not start")
    assert relay.relay_waiting_jobs(everything=True) == 1
    told = Notification.objects.filter(recipient=follower, kind=Kind.REPLY)
    wait_for(told.exists, "the follower was not told")

    # Sent a second time (the relay died after sending, before deleting the row): still told once.
    job.save(force_insert=True)
    # At least that one: the worker's run may have queued its own follow-up (the follower's mail) meanwhile.
    assert relay.relay_waiting_jobs(everything=True) >= 1
    assert not Job.objects.filter(pk=job.pk).exists()

    def ran_twice():
        # Three runs: the first, the one it queued a few seconds later for what arrived meanwhile
        # (forum.telling), and the one sent again.
        stats = app.control.inspect(destination=[worker], timeout=1).stats() or {}
        return stats.get(worker, {}).get("total", {}).get("forum.tasks.tell_followers", 0) >= 3

    wait_for(ran_twice, "the job was not run a second time")
    assert told.count() == 1
