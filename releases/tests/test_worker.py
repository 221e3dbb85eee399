"""Two real Celery workers race to publish one release, through Redis, on PostgreSQL.

The workers are separate processes started with ``celery -A canyu worker``,
pointed at this test's database and at a queue of their own, so nothing else
sharing the Redis database takes (or sends) their tasks. Runs in CI, where
DATABASE_URL is PostgreSQL and REDIS_URL is set; skipped elsewhere.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum.models import Thread
from notifications.models import Kind, Notification
from releases import tasks
from releases.models import Release
from releases.tests.factories import announcements_board, follow, make_release

REPO_DIR = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 40
RESULT_SECONDS = 30

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _test_database_url() -> str:
    db = connection.settings_dict  # NAME is the test database's (test_canyu...) while tests run
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers():
    """Two solo-pool workers on a queue of their own; yields (queue, node names); always stopped."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL: real workers share the test database via Redis")
    from canyu.celery import app

    token = uuid.uuid4().hex[:10]
    queue = f"canyu-test-{token}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "canyu.settings",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,  # their own follow-up tasks (the fan-out) stay on this queue too
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DB_CONN_MAX_AGE": "0",
    }
    celery = Path(sys.executable).parent / "celery"
    names = [f"w{i}-{token}@canyu-test" for i in (1, 2)]
    logs, processes = [], []
    try:
        for name in names:
            # Open while the worker writes to it: closed in the finally below.
            log = tempfile.NamedTemporaryFile(  # noqa: SIM115
                prefix=f"{name.split('@')[0]}-", suffix=".log", delete=False
            )
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [
                        str(celery),
                        "-A",
                        "canyu",
                        "worker",
                        "--pool=solo",
                        "-Q",
                        queue,
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
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            answered = {name for reply in app.control.ping(destination=names, timeout=0.5) for name in reply}
            if answered == set(names):
                break
            dead = [p.args[-1] for p in processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                pytest.fail(f"workers did not start (dead: {dead}); logs: {[log.name for log in logs]}")
        yield queue, names
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(queue)  # anything left unconsumed
        for log in logs:
            log.close()
            if not os.environ.get("CANYU_KEEP_WORKER_LOGS"):
                os.unlink(log.name)


def test_two_workers_racing_publish_a_release_once_and_notify_each_follower_once(workers):
    from canyu.celery import app

    queue, names = workers
    announcements_board()
    due = timezone.now() - timedelta(seconds=5)
    release = make_release(schedule=True, publish_at=due, now=due - timedelta(days=1))
    fans = [UserFactory() for _ in range(5)]
    follow(release.product, fans)

    # The same release's task four times (a retry, a redelivery...) and two
    # beat ticks (two beat processes), interleaved, for both workers at once.
    sent = []
    for _ in range(2):
        sent += [tasks.publish_release.apply_async((release.pk,), queue=queue) for _ in range(2)]
        sent.append(tasks.publish_due_releases.apply_async(queue=queue))
    results = [result.get(timeout=RESULT_SECONDS) for result in sent]

    # True for the one publish_release that won, 1 for a tick that won: one in all.
    assert sum(int(result) for result in results) == 1, results
    release.refresh_from_db()
    assert release.state == Release.State.PUBLISHED
    assert Thread.objects.count() == 1 and release.announcement == Thread.objects.get()

    # The winner queued the fan-out on commit; a worker runs it.
    deadline = time.monotonic() + RESULT_SECONDS
    while not Release.objects.filter(pk=release.pk, notified_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the followers were not notified"
        time.sleep(0.2)
    notified = Notification.objects.filter(kind=Kind.RELEASE, key=f"release:{release.pk}")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(fan.pk for fan in fans)

    # Both workers took part in the race.
    stats = app.control.inspect(destination=names, timeout=2).stats() or {}
    busy = {
        name
        for name, info in stats.items()
        if sum(count for task, count in info.get("total", {}).items() if task.startswith("releases.tasks.publish"))
    }
    assert busy == set(names), stats
