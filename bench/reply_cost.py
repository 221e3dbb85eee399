"""What one reply to the hot thread costs: the POST of the form, then the follower notification job.

    .venv/bin/python bench/reply_cost.py [--replies 60 --profile post|job]

In-process through Django's test client (no server), on the storm benchmark's
database (bench/storm_bench.py seeds it): fans post replies to the hot thread
through the real form (session, CSRF token), each a different fan, as in the
storm. The broker is the benchmark's Redis, as in production: the outbox sends
each job there after its commit. The jobs are then run here, one after the
other, as a Celery worker would run them. Prints the least and median CPU ms
of this process and the mean of its PostgreSQL backend's, for the POSTs and
for the jobs; ``--profile post`` or ``--profile job`` adds cProfile's top
functions of that half.
"""

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import forum_bench
from bench.cold_render import backend_seconds, print_profile
from bench.storm_bench import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=60)
    parser.add_argument("--profile", choices=["post", "job"])
    args = parser.parse_args(argv)
    if not forum_bench.prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CELERY_QUEUE", "reply_cost_bench")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import seeding, storm_bench
    from canyu.celery import app
    from outbox.models import Job

    call_command("migrate", interactive=False, verbosity=0)
    seeding.ensure_forum(seeding.ForumSize(1000, 2000, 40000))
    thread, _, posters = storm_bench.pick_thread_and_posters(max(args.replies, 50))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(app.conf.task_default_queue)

    clients = []
    for user in posters[: args.replies]:
        cookie = storm_bench.poster_cookie(user)
        client = Client(HTTP_HOST=forum_bench.HOST, enforce_csrf_checks=True)
        for pair in cookie.header.split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
        clients.append((client, cookie.csrf_token))
    path = storm_bench.reply_path(thread.pk)

    profile = cProfile.Profile() if args.profile else None
    post_app, post_db = [], []
    for number, (client, token) in enumerate(clients):
        data = {"csrfmiddlewaretoken": token, "source": f"Reply cost {time.time_ns()} number {number}"}
        db_before, app_before = backend_seconds(backend), time.process_time()
        if profile and args.profile == "post":
            profile.enable()
        response = client.post(path, data)
        if profile and args.profile == "post":
            profile.disable()
        post_app.append((time.process_time() - app_before) * 1000)
        post_db.append((backend_seconds(backend) - db_before) * 1000)
        if response.status_code != 302:
            raise forum_bench.BenchRefused(f"reply {number} answered {response.status_code}")

    # The jobs the replies sent, as the worker would take them from the broker.
    messages = []
    with app.connection_for_read() as broker:
        queue = broker.SimpleQueue(app.conf.task_default_queue, no_ack=True)
        while True:
            try:
                message = queue.get(timeout=0.5)
            except queue.Empty:
                break
            messages.append(message)
        queue.close()
    job_app, job_db = [], []
    for message in messages:
        name = message.headers["task"]
        task_args, task_kwargs, _ = message.decode()
        task = app.tasks[name]
        db_before, app_before = backend_seconds(backend), time.process_time()
        if profile and args.profile == "job":
            profile.enable()
        task(*task_args, **task_kwargs)
        if profile and args.profile == "job":
            profile.disable()
        job_app.append((time.process_time() - app_before) * 1000)
        job_db.append((backend_seconds(backend) - db_before) * 1000)

    print(f"{len(clients)} replies to thread #{thread.pk} through the form, then the {len(messages)} jobs they sent:")
    report("reply POST", post_app, post_db)
    if job_app:
        report("jobs", job_app, job_db)
        print(
            f"  jobs per reply: {len(messages) / len(clients):.2f}; job CPU per reply: "
            f"{(sum(job_app) + sum(job_db)) / len(clients):.1f} ms (process + PostgreSQL)"
        )
    print(f"  outbox rows left: {Job.objects.count()}")
    if profile:
        print_profile(profile, 50)
    return 0


def report(what: str, app: list[float], db: list[float]) -> None:
    print(
        f"  {what}: CPU ms of this process least {min(app):.1f}, median {statistics.median(app):.1f}, "
        f"mean {statistics.fmean(app):.1f}; of its PostgreSQL backend mean {statistics.fmean(db):.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
