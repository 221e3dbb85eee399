"""What one reply to the hot thread costs, or one like: the POST of the form, then the notification job.

    .venv/bin/python bench/reply_cost.py [--replies 60 --profile post|job --likes]

In-process through Django's test client (no server), on the storm benchmark's
database (bench/storm_bench.py seeds it): fans post replies to the hot thread
through the real form (session, CSRF token), each a different fan, as in the
storm; with ``--likes``, they like its posts instead, half of them its first
post, as the storm's likes do. The broker is the benchmark's Redis, as in production: the outbox sends
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
    parser.add_argument("--likes", action="store_true", help="like the thread's posts instead of replying")
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
        # A page first, not timed: the fan's session and account are cached and their day's activity
        # marked, as for a fan in the storm, who is on the thread already.
        client.get(thread.get_absolute_url())
        clients.append((client, cookie.csrf_token, user))
    post_ids = list(thread.posts.order_by("floor").values_list("pk", flat=True))

    profile = cProfile.Profile() if args.profile else None
    post_app, post_db = [], []
    for number, (client, token, user) in enumerate(clients):
        data = {"csrfmiddlewaretoken": token, "source": f"Reply cost {time.time_ns()} number {number}"}
        if args.likes:  # half on the first post, the others spread over the rest; each a new like
            path, data = storm_bench.Likes.like_request(unliked(user, post_ids, number), token)
        else:
            path = storm_bench.reply_path(thread.pk)
        db_before, app_before = backend_seconds(backend), time.process_time()
        if profile and args.profile == "post":
            profile.enable()
        response = client.post(path, data)
        if profile and args.profile == "post":
            profile.disable()
        post_app.append((time.process_time() - app_before) * 1000)
        post_db.append((backend_seconds(backend) - db_before) * 1000)
        if response.status_code != 302:
            raise forum_bench.BenchRefused(f"POST {number} answered {response.status_code}")

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

    what = "likes of posts" if args.likes else "replies to"
    print(f"{len(clients)} {what} thread #{thread.pk} through the form, then the {len(messages)} jobs they sent:")
    report("like POST" if args.likes else "reply POST", post_app, post_db)
    if job_app:
        report("jobs", job_app, job_db)
        print(
            f"  jobs per POST: {len(messages) / len(clients):.2f}; job CPU per POST: "
            f"{(sum(job_app) + sum(job_db)) / len(clients):.1f} ms (process + PostgreSQL)"
        )
    print(f"  outbox rows left: {Job.objects.count()}")
    if profile:
        print_profile(profile, 50)
    return 0


def unliked(user, post_ids: list[int], number: int) -> int:
    """A post of ``post_ids`` that ``user`` has not liked (a tap on a liked one would take it back): the
    first post for every other fan, else one further on (not timed)."""
    from forum.models import Like

    liked = set(Like.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", flat=True))
    start = 0 if number % 2 == 0 else 1 + number % (len(post_ids) - 1)
    return next(post_id for post_id in post_ids[start:] + post_ids[:start] if post_id not in liked)


def report(what: str, app: list[float], db: list[float]) -> None:
    print(
        f"  {what}: CPU ms of this process least {min(app):.1f}, median {statistics.median(app):.1f}, "
        f"mean {statistics.fmean(app):.1f}; of its PostgreSQL backend mean {statistics.fmean(db):.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
