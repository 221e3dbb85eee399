"""Release benchmark: publishing a release to 100 000 followers on PostgreSQL.

    .venv/bin/python bench/release_bench.py [--followers 100000 --batch 2000]

Seeds a dedicated database (users and follows by COPY and INSERT ... SELECT),
prepares a release through the process functions, publishes it (claim,
announcement, unpin, all in one transaction) and then runs the fan-out,
``publishing.notify_followers``, in a fresh child process, as a Celery worker
would. It prints wall time, notifications created, rows/s, queries, and the
child's peak memory (ru_maxrss, and tracemalloc's peak of Python allocations in
a separate traced run, since tracing slows the code it measures). It checks
that every follower got exactly one notification, then runs the fan-out again
(a retried task) and shows that it created none.

Always exits 0 once it has measured: it is a report, not a gate.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# Its own database: seeding truncates the users, which would throw away the
# forum benchmark's seeded forum (canyu_bench) every time.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_release_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
FOLLOWER_PREFIX = "follower"
sys.path.insert(0, str(REPO_DIR))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=None, help="RELEASES_NOTIFY_BATCH (default: the setting, 2000)")
    # Internal: the child process that runs one fan-out and reports on it.
    parser.add_argument("--fan-out", type=int, metavar="RELEASE_ID", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup_django(batch: int | None) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # DEBUG off: no query log growing in memory
    os.environ["DEBUG"] = "false"
    # Tasks queued on the way (the @mention notices of the announcement, any
    # e-mail) run in this process instead of waiting in Redis for no worker.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    if batch:
        os.environ["RELEASES_NOTIFY_BATCH"] = str(batch)
    import django

    django.setup()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.fan_out:
        return fan_out_child(args)
    if args.followers < 1:
        print("--followers must be at least 1", file=sys.stderr)
        return 2
    from bench.forum_bench import prepare_services

    if not prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    setup_django(args.batch)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    release, followers = seed(args.followers)
    print(f"Seeded {followers} followers in {time.monotonic() - started:.1f} s.")

    publish_seconds = publish(release)
    print(f"Published {release} (claim + announcement + unpin, one transaction) in {publish_seconds * 1000:.0f} ms.")

    first = run_child(release.pk, args)
    again = run_child(release.pk, args)
    delete_notifications(release)
    traced = run_child(release.pk, args, trace=True)

    expected = followers
    print()
    print(
        f"Fan-out of {release} to {followers} followers, batches of {settings.RELEASES_NOTIFY_BATCH}, "
        f"PostgreSQL {server_version()}:"
    )
    print(f"  wall time            {first['seconds']:8.2f} s")
    print(
        f"  notifications made   {first['created']:8d}  (expected {expected}: "
        f"{'OK' if first['created'] == expected and first['per_follower_max'] == 1 else 'WRONG'})"
    )
    print(f"  rows per second      {first['created'] / first['seconds']:8.0f}")
    per_batch = first["queries"] / max(first["batches"], 1)
    print(f"  queries              {first['queries']:8d}  ({per_batch:.1f} per batch, {first['batches']} batches)")
    print(f"  peak RSS (child)     {first['maxrss_mb']:8.1f} MB  (after start-up {first['rss_before_mb']:.1f} MB)")
    print(
        f"  tracemalloc peak     {traced['traced_peak_mb']:8.1f} MB  (separate traced run, "
        f"{traced['seconds']:.2f} s under tracing, made {traced['created']})"
    )
    print(
        f"  run again (retry)    {again['seconds']:8.2f} s, made {again['created']} more "
        f"({'OK' if again['created'] == 0 else 'WRONG'})"
    )
    return 0


def seed(followers: int):
    """A fresh database: publisher, engineer, Announcements board, a product with ``followers``
    followers, and a release ready to publish (10 changelog items, 3 builds)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, grant_role
    from forum.models import Board
    from releases import changelog, preparing
    from releases.models import FeatureArea, Product, ProductFollow, Release

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        tables = ", ".join(quote(model._meta.db_table) for model in (User, Board, Product))
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        copy_users(cursor, followers, password=make_password(None))

    publisher = User.objects.create(
        username="publisher",
        email="publisher@bench.canyu.localhost",
        is_staff=True,
        date_joined=timezone.now() - timedelta(days=400),
    )
    engineer = User.objects.create(
        username="engineer", email="engineer@bench.canyu.localhost", date_joined=timezone.now() - timedelta(days=400)
    )
    grant_role(publisher, Role.ADMIN)
    grant_role(engineer, Role.ENGINEER)
    board = Board.objects.create(slug="announcements", name="Announcements")
    product = Product.objects.create(name="HyperOS", slug="hyperos", devices="Xiaomi 14\nRedmi K70\nXiaomi MIX Fold 3")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ProductFollow._meta.db_table)} (product_id, user_id, created_at) "
            f"SELECT %s, id, now() FROM {quote(User._meta.db_table)} WHERE username LIKE %s",
            [product.pk, f"{FOLLOWER_PREFIX}%"],
        )
        for model in (User, ProductFollow):
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
    assert board.pk

    release = preparing.prepare_release(
        product=product,
        author=publisher,
        title="Lunar lock screen",
        notes="A **big** week: lunar calendar, faster camera, fewer Wi-Fi drops.",
    )
    area = FeatureArea.objects.create(product=product, name="Camera")
    for i in range(10):
        changelog.add_changelog_item(
            release=release,
            kind=["new", "improved", "fixed"][i % 3],
            title=f"Change {i}",
            area=area,
            owners=[engineer],
            description="Described in two lines.\nSecond.",
        )
    for device in product.devices.splitlines():
        url = f"https://dl.example.com/{device.replace(' ', '-')}.zip"
        preparing.add_build(release=release, device=device, download_url=url, size_bytes=5_600_000_000, sha256="0" * 64)
    return Release.objects.select_related("product").get(pk=release.pk), ProductFollow.objects.count()


def copy_users(cursor, n: int, *, password: str, prefix: str = FOLLOWER_PREFIX) -> None:
    """n users by COPY, named ``prefix`` and a number: every concrete column, from a template
    user's values, so a new column with a default does not break the benchmark."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User

    joined = timezone.now() - timedelta(days=400)
    template = User(password=password, date_joined=joined)
    fields = [field for field in User._meta.concrete_fields if not field.primary_key]
    base = [field.get_db_prep_save(getattr(template, field.attname), connection) for field in fields]
    names = [field.column for field in fields]
    at = {name: i for i, name in enumerate(names)}
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    with cursor.cursor.copy(f"COPY {connection.ops.quote_name(User._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for i in range(n):
            row = list(base)
            row[at["username"]] = f"{prefix}{i:06d}"
            row[at["email"]] = f"{prefix}{i:06d}@bench.canyu.localhost"
            copy.write_row(row)


def publish(release) -> float:
    """Publish now; the fan-out it queues on commit is held back and run by run_child instead."""
    from outbox import relay
    from outbox.models import Job
    from releases import publishing

    queued, real = [], relay._relay_new

    def hold_back_the_fan_out(job):
        if job.task != "releases.tasks.notify_followers":
            return real(job)
        queued.append(job.args[0])
        Job.objects.filter(pk=job.pk).delete()

    relay._relay_new = hold_back_the_fan_out
    try:
        started = time.perf_counter()
        published = publishing.publish_release(release=release, immediately=True)
        seconds = time.perf_counter() - started
    finally:
        relay._relay_new = real
    if not published or queued != [release.pk]:
        raise SystemExit(f"publishing did not go as expected: published={published}, queued={queued}")
    return seconds


def delete_notifications(release) -> None:
    from notifications.models import Notification

    Notification.objects.filter(key=f"release:{release.pk}").delete()


def run_child(release_id: int, args, *, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--fan-out", str(release_id)] + (["--trace"] if trace else [])
    if args.batch:
        command += ["--batch", str(args.batch)]
    done = subprocess.run(command, cwd=REPO_DIR, env=os.environ.copy(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"fan-out child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fan_out_child(args) -> int:
    """Run notify_followers once, as a worker would, and print one JSON line about it."""
    setup_django(args.batch)
    import tracemalloc

    from django.db import connection
    from django.db.models import Count, Max

    from notifications.models import Notification
    from releases import publishing

    key = f"release:{args.fan_out}"
    before = Notification.objects.filter(key=key).count()
    rss_before = current_rss_mb()
    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    if args.trace:
        tracemalloc.start()
    with connection.execute_wrapper(count_query):
        started = time.perf_counter()
        publishing.notify_followers(release_id=args.fan_out)
        seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.trace else None
    tracemalloc.stop()
    mine = Notification.objects.filter(key=key)
    from django.conf import settings

    print(
        json.dumps(
            {
                "seconds": seconds,
                "created": mine.count() - before,
                "per_follower_max": mine.values("recipient_id").annotate(n=Count("id")).aggregate(m=Max("n"))["m"] or 0,
                "queries": len(queries),
                "batches": -(-mine.count() // settings.RELEASES_NOTIFY_BATCH),
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_before_mb": rss_before,
                "traced_peak_mb": traced_peak,
            }
        )
    )
    return 0


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
