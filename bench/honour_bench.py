"""Honour benchmark: the recount of a large points ledger and the leaderboards of many fans, on PostgreSQL.

    .venv/bin/python bench/honour_bench.py [--entries 10000000 --fans 1000000 --requests 5]

Seeds its own database (canyu_honour_bench, Redis db 8 unless DATABASE_URL / REDIS_URL say otherwise):
``--fans`` users by COPY, each with a standing, and ``--entries`` point entries by INSERT ... SELECT over
generate_series, spread over the last 120 days and over the fans at random. Then times:

1. ``honour.points.recount_standings()`` over every standing after every total was set wrong and the
   week's, month's and season's totals deleted (the nightly job's worst case), and again with nothing
   to correct;
2. the leaderboards (honour.pages.leaderboard, reading honour.models.PeriodTotal): fans this week,
   this month and this season, page 1 and page 100 (``--requests`` times each: p50 and max), with
   their query count.

Prints the figures; always exits 0 once it has measured (a report, not a gate). The issue asks for
10 000 000 entries and 1 000 000 fans; on a small machine, pass smaller sizes and say so.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.forum_bench import prepare_services  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_honour_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--fans", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the data seeded by the last run of the same size")
    return parser.parse_args(argv)


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()


def seed(args) -> float:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import User
    from bench.release_bench import copy_users
    from honour.models import PointEntry, Standing

    started = time.monotonic()
    quote = connection.ops.quote_name
    entry_type = ContentType.objects.get_for_model(PointEntry).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quote(User._meta.db_table)} RESTART IDENTITY CASCADE")
        copy_users(cursor, args.fans, password=make_password(None))
        cursor.execute(
            f"INSERT INTO {quote(Standing._meta.db_table)} (user_id, points, level) "
            f"SELECT id, 0, 1 FROM {quote(User._meta.db_table)}"
        )
        first = User.objects.order_by("pk").values_list("pk", flat=True).first()
        cursor.execute(
            f"""INSERT INTO {quote(PointEntry._meta.db_table)}
                (user_id, kind, amount, withheld, cause_type_id, cause_id, giver_id, created_at)
            SELECT %s + (random() * (%s - 1))::int, 'ballot_cast', 1 + (n %% 3), '', %s, n, NULL,
                   now() - random() * interval '120 days'
            FROM generate_series(1, %s) AS n""",
            [first, args.fans, entry_type, args.entries],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quote(PointEntry._meta.db_table)}")
        cursor.execute(f"ANALYZE {quote(Standing._meta.db_table)}")
    return time.monotonic() - started


def timed(call) -> tuple[float, object, int]:
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    started = time.monotonic()
    result = call()
    elapsed = time.monotonic() - started
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    return elapsed, result, queries


def main(argv=None) -> int:
    args = parse_args(argv)
    if not prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from honour import pages, points
    from honour.models import PeriodTotal, PointEntry, Standing

    call_command("migrate", interactive=False, verbosity=0)
    have = PointEntry.objects.count() if args.keep else -1
    if have != args.entries:
        print(f"Seeding {args.fans:,} fans and {args.entries:,} ledger entries ...", flush=True)
        print(f"Seeded in {seed(args):.1f} s.", flush=True)

    Standing.objects.update(points=0, level=1)
    PeriodTotal.objects.all().delete()  # the recount makes them again from the ledger
    elapsed, corrected, _q = timed(points.recount_standings)
    print(f"Recount, every standing wrong: {elapsed:.1f} s, {corrected:,} corrected")
    elapsed, corrected, _q = timed(points.recount_standings)
    print(f"Recount, nothing wrong:        {elapsed:.1f} s, {corrected:,} corrected")

    now = timezone.now()
    for period in pages.PERIODS:
        for page in ("1", "100"):
            times, queries = [], 0
            for _ in range(args.requests):
                elapsed, _rows, queries = timed(
                    lambda p=period, n=page: list(pages.leaderboard(period=p, crowd="fans", page=n, now=now).rows)
                )
                times.append(elapsed * 1000)
            print(
                f"Leaderboard fans/{period:<6} page {page:>3}: p50 {statistics.median(times):8.0f} ms, "
                f"max {max(times):8.0f} ms, {queries} queries"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
