"""Report benchmark: submitting four-cell reports under 50 concurrent fans, then tallying and freezing
100 000 reports on a 20-item release, on PostgreSQL.

    .venv/bin/python bench/report_bench.py [--reports 100000 --items 20 --fans 50 --processes 5 --rounds 20]

Seeds a dedicated database: the reporters by COPY (from a template user), their
verified addresses by INSERT ... SELECT, a product with upcoming ideas and a
20-item weekly release published through the process functions, then
``reports - fans`` report rows by COPY (random picks, a few items much loved,
one much disliked). Then:

1. Submissions: ``--fans`` fans, as threads spread over ``--processes`` child
   processes, all released at the same instant, each sending its report
   ``--rounds`` times back to back (the first makes it, the others change it),
   through ``feedback.reports.submit_report`` as the view calls it. Prints
   p50/p95/p99/max of the calls and the submissions per second.
2. The freeze: the window is closed and ``feedback.tally.freeze_release`` runs
   (counts, ranking, the item/mood/idea/segment tallies, the award, the result
   post, the winners' notification), timed, with its queries. Checks that the
   frozen counts equal the rows.

Targets (the issue): freeze of 100 000 reports under 5 s; submission p99
under 100 ms with 50 concurrent fans. Always exits 0 once it has measured:
it is a report, not a gate. Latencies include the Python work of the calls
in processes that share this machine's cores with PostgreSQL.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# Its own database: seeding truncates the users (not the forum or release benchmark's databases).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_report_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
PREFIX = "reporter"
DEVICES = ["Xiaomi 14", "Xiaomi 14 Pro", "Redmi K70", "Redmi Note 13", "Xiaomi Civi 4", "Xiaomi 13 Ultra", ""]
MOODS = ["happy", "sad", "love_it", "looking_forward"]
FREEZE_TARGET_S = 5.0
SUBMIT_P99_TARGET_MS = 100.0
sys.path.insert(0, str(REPO_DIR))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports frozen in the end (default 100000)")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--ideas", type=int, default=12)
    parser.add_argument("--fans", type=int, default=50, help="concurrent submitting fans (default 50)")
    parser.add_argument("--processes", type=int, default=5, help="child processes the fans are spread over")
    parser.add_argument("--rounds", type=int, default=20, help="submissions per fan (default 20)")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds each fan waits between submissions (default 0: back to back, the worst case)",
    )
    # Internal: a child process that runs some fans' submissions and prints their latencies.
    parser.add_argument("--submit-child", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # DEBUG off: no query log growing in memory
    os.environ["DEBUG"] = "false"
    # Tasks queued on the way (the invitations, the winners' e-mail) run here instead of waiting in Redis.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.submit_child:
        return submit_child(json.loads(args.submit_child))
    if args.reports <= args.fans or args.items < 2 or args.fans < 1 or args.processes < 1:
        print("--reports must exceed --fans, --items be at least 2, --fans and --processes at least 1", file=sys.stderr)
        return 2
    from bench.forum_bench import prepare_services

    if not prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    world = seed(args)
    print(
        f"Seeded {args.reports - args.fans} reports, {args.items} items, {args.ideas} ideas and "
        f"{args.reports} reporters in {time.monotonic() - started:.1f} s."
    )

    submitted = run_submissions(world, args)
    frozen = run_freeze(world)
    report(args, submitted, frozen)
    return 0


# --- Seeding -----------------------------------------------------------------------------


def seed(args) -> dict:
    """A fresh database with the release, its ideas, the reporters and their reports."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role, grant_role
    from bench.release_bench import copy_users
    from feedback.models import Report
    from forum.models import Board
    from releases.models import Product

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        tables = ", ".join(quote(model._meta.db_table) for model in (User, Board, Product))
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        copy_users(cursor, args.reports, password=make_password(None), prefix=PREFIX)
        users = quote(User._meta.db_table)
        cursor.execute(
            f"UPDATE {users} SET phone_model = (%s::text[])[1 + id %% %s], post_count = id %% 400",
            [DEVICES, len(DEVICES)],
        )
        cursor.execute(
            'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
            f"SELECT id, email, true, true FROM {users}"
        )
    old = timezone.now() - timedelta(days=400)
    publisher = User.objects.create(
        username="publisher", email="publisher@bench.canyu.localhost", is_staff=True, date_joined=old
    )
    engineer = User.objects.create(username="engineer", email="engineer@bench.canyu.localhost", date_joined=old)
    grant_role(publisher, Role.ADMIN)
    grant_role(engineer, Role.ENGINEER)
    Board.objects.create(slug="announcements", name="Announcements")
    ideas_board = Board.objects.create(slug="ideas", name="Ideas", holds_ideas=True)
    product = Product.objects.create(name="HyperOS", slug="hyperos", devices="Xiaomi 14", ideas_board=ideas_board)
    release = publish_release(product, publisher, engineer, args.items)
    ideas = upcoming_ideas(product, ideas_board, publisher, args.ideas)
    fans = list(User.objects.filter(username__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))
    submitters, seeded = fans[: args.fans], fans[args.fans :]
    items = list(release.changelog.order_by("position", "pk").values_list("pk", flat=True))
    copy_reports(release, seeded, items, [idea.pk for idea in ideas])
    with connection.cursor() as cursor:
        for table in (Report._meta.db_table, "accounts_user", "account_emailaddress"):
            cursor.execute(f"ANALYZE {quote(table)}")
    return {"release_id": release.pk, "submitters": submitters, "items": items, "ideas": [idea.pk for idea in ideas]}


def publish_release(product, publisher, engineer, n_items):
    from feedback import reports
    from releases import changelog, preparing, publishing
    from releases.models import FeatureArea, Release

    release = preparing.prepare_release(product=product, author=publisher, title="Lunar lock screen")
    area = FeatureArea.objects.create(product=product, name="System")
    for i in range(n_items):
        changelog.add_changelog_item(
            release=release, kind=["new", "improved", "fixed"][i % 3], title=f"Change {i}", area=area, owners=[engineer]
        )
    preparing.add_build(
        release=release,
        device="Xiaomi 14",
        download_url="https://dl.example.com/14.zip",
        size_bytes=5_600_000_000,
        sha256="0" * 64,
    )
    assert publishing.publish_release(release=release, immediately=True)
    release = Release.objects.select_related("product").get(pk=release.pk)
    assert reports.open_window(release=release) is not None
    return release


def upcoming_ideas(product, board, pm, n):
    from ideas import proposing, statuses
    from ideas.models import Idea
    from releases.models import FeatureArea

    area = FeatureArea.objects.get(product=product)
    made = []
    for i in range(n):
        idea = proposing.propose_idea(
            board=board, author=pm, title=f"Upcoming idea {i}", source="Please.", product=product, area=area
        )
        statuses.set_status(idea=idea, by=pm, status=Idea.Status.UNDER_REVIEW)
        made.append(idea)
    return made


def copy_reports(release, fan_ids, items, ideas) -> None:
    """One report per fan by COPY: a few items much loved, the last one much disliked."""
    from django.db import connection
    from django.utils import timezone

    from feedback.models import Report

    rng = random.Random(2026)
    loved_weights = [30, 18, 12] + [3] * (len(items) - 3) if len(items) > 3 else [1] * len(items)
    weakest_weights = [1] * (len(items) - 1) + [25]
    now = timezone.now()
    columns = [
        "release_id",
        "fan_id",
        "mood",
        "loved_id",
        "weakest_id",
        "awaited_id",
        "why_mood",
        "why_loved",
        "why_weakest",
        "why_awaited",
        "device",
        "level",
        "created_at",
        "updated_at",
    ]
    quote = connection.ops.quote_name
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(Report._meta.db_table)} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for number, fan_id in enumerate(fan_ids):
            loved = rng.choices(items, loved_weights)[0]
            weakest = loved
            while weakest == loved:
                weakest = rng.choices(items, weakest_weights)[0]
            copy.write_row(
                [
                    release.pk,
                    fan_id,
                    rng.choice(MOODS),
                    loved,
                    weakest,
                    rng.choice(ideas),
                    "",
                    "Love it." if number % 7 == 0 else "",
                    "",
                    "",
                    DEVICES[fan_id % len(DEVICES)],
                    1 + number % 6,
                    now,
                    now,
                ]
            )


# --- Submissions ---------------------------------------------------------------------------


def run_submissions(world: dict, args) -> dict:
    """The fans' submissions, in child processes released together; their latencies merged."""
    start_at = time.time() + 4 + args.processes  # every child set up (Django, connections) by then
    children = []
    for index in range(args.processes):
        fans = world["submitters"][index :: args.processes]
        if not fans:
            continue
        job = {**world, "fans": fans, "rounds": args.rounds, "start_at": start_at, "seed": index, "pace": args.pace}
        children.append(
            subprocess.Popen(
                [sys.executable, __file__, "--submit-child", json.dumps(job)],
                cwd=REPO_DIR,
                env=os.environ.copy(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    latencies, refused, queries, spans, app_cpu, db_cpu = [], 0, [], [], 0.0, 0.0
    for child in children:
        out, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"submission child failed:\n{err[-3000:]}")
        result = json.loads(out.strip().splitlines()[-1])
        latencies += result["latencies_ms"]
        refused += result["refused"]
        queries.append(result["queries_per_call"])
        spans.append((result["first"], result["last"]))
        app_cpu += result["app_cpu_s"]
        db_cpu += result["db_cpu_s"]
    wall = max(last for _first, last in spans) - min(first for first, _last in spans)
    return {
        "latencies": sorted(latencies),
        "refused": refused,
        "wall": wall,
        "queries": max(queries),
        "app_cpu_ms": app_cpu * 1000 / len(latencies),
        "db_cpu_ms": db_cpu * 1000 / len(latencies),
    }


def cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of a process (a PostgreSQL backend on this machine, or this process)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def submit_child(job: dict) -> int:
    """Each fan a thread with its own connection; all start at ``start_at``; one JSON line out."""
    import threading

    setup_django()
    from django.db import connection

    from feedback import reports
    from ideas.models import Idea
    from releases.models import ChangelogItem, Release

    release = Release.objects.select_related("product").get(pk=job["release_id"])
    items = {item.pk: item for item in ChangelogItem.objects.filter(release=release)}
    ideas = {idea.pk: idea for idea in Idea.objects.filter(pk__in=job["ideas"])}
    from accounts.models import User

    fans = list(User.objects.filter(pk__in=job["fans"]))
    latencies, refused, counted, marks, db_cpu = [], [0], [], [], [0.0]
    lock = threading.Lock()

    def fan_loop(fan, seed):
        rng = random.Random(seed)
        mine, calls = [], [0]

        def count(execute, sql, params, many, context):
            calls[0] += 1
            return execute(sql, params, many, context)

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        # Back to back, all fans start at the same instant; paced, each at its own moment of the first period.
        time.sleep(max(job["start_at"] + rng.uniform(0, job["pace"]) - time.time(), 0))
        backend_before = cpu_seconds(backend)
        with connection.execute_wrapper(count):
            first = time.time()
            for _round in range(job["rounds"]):
                loved, weakest = rng.sample(job["items"], 2)
                began = time.perf_counter()
                try:
                    reports.submit_report(
                        release=release,
                        fan=fan,
                        mood=rng.choice(MOODS),
                        loved=items[loved],
                        weakest=items[weakest],
                        awaited=ideas[rng.choice(job["ideas"])],
                    )
                except reports.ReportRefused:
                    refused[0] += 1
                mine.append((time.perf_counter() - began) * 1000)
                if job["pace"]:
                    time.sleep(job["pace"])
            last = time.time()
        backend_cpu = cpu_seconds(backend) - backend_before
        connection.close()
        with lock:
            latencies.extend(mine)
            counted.append(calls[0] / job["rounds"])
            marks.append((first, last))
            db_cpu[0] += backend_cpu

    threads = [threading.Thread(target=fan_loop, args=(fan, job["seed"] * 1000 + i)) for i, fan in enumerate(fans)]
    for thread in threads:
        thread.start()
    time.sleep(max(job["start_at"] - time.time(), 0))
    app_before = cpu_seconds()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "latencies_ms": latencies,
                "refused": refused[0],
                "queries_per_call": max(counted),
                "first": min(mark[0] for mark in marks),
                "last": max(mark[1] for mark in marks),
                "app_cpu_s": cpu_seconds() - app_before,
                "db_cpu_s": db_cpu[0],
            }
        )
    )
    return 0


# --- The freeze ------------------------------------------------------------------------------


def run_freeze(world: dict) -> dict:
    from collections import Counter

    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from feedback import tally
    from feedback.models import Award, ItemTally, ReleaseTally, Report, SegmentTally

    release_id = world["release_id"]
    now = timezone.now()
    ReleaseTally.objects.filter(pk=release_id).update(closes_at=now)
    queries = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - began, sql))

    with connection.execute_wrapper(timed):
        began = time.perf_counter()
        froze = tally.freeze_release(release_id=release_id, now=now)
        seconds = time.perf_counter() - began
    rows = Report.objects.filter(release_id=release_id)
    frozen = ReleaseTally.objects.get(pk=release_id)
    loved = Counter(dict(rows.values("loved").annotate(n=Count("id")).values_list("loved", "n")))
    stored = {row.item_id: row.loved for row in ItemTally.objects.filter(release_id=release_id)}
    slowest = sorted(queries, reverse=True)[:3]
    return {
        "froze": froze,
        "seconds": seconds,
        "queries": len(queries),
        "report_count": frozen.report_count,
        "rows": rows.count(),
        "counts_equal": all(stored[item] == loved.get(item, 0) for item in world["items"]),
        "segments": SegmentTally.objects.filter(release_id=release_id).count(),
        "awards": Award.objects.filter(release_id=release_id).count(),
        "top": ItemTally.objects.filter(release_id=release_id, rank=1)
        .values_list("title", "loved", "weakest", "score")
        .first(),
        "slowest": [(round(s * 1000), " ".join(sql.split())[:90]) for s, sql in slowest],
    }


def report(args, submitted: dict, frozen: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    latencies = submitted["latencies"]
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print()
    pace = f", {args.pace:g} s apart" if args.pace else ", back to back"
    print(
        f"Submissions: {args.fans} concurrent fans ({args.processes} processes), {args.rounds} each{pace}, "
        f"PostgreSQL {version}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end:"
    )
    print(
        f"  calls                {len(latencies):8d}  ({submitted['refused']} refused, "
        f"{submitted['queries']:.0f} queries per call)"
    )
    print(f"  per second           {len(latencies) / submitted['wall']:8.0f}")
    print(f"  p50 / p95            {p(0.50):8.1f} / {p(0.95):.1f} ms  (mean {statistics.mean(latencies):.1f})")
    verdict = "PASS" if p(0.99) < SUBMIT_P99_TARGET_MS else "FAIL"
    print(f"  p99                  {p(0.99):8.1f} ms  (target < {SUBMIT_P99_TARGET_MS:.0f} ms: {verdict})")
    print(f"  max                  {latencies[-1]:8.1f} ms")
    print(
        f"  CPU per submission   {submitted['app_cpu_ms']:8.2f} ms Python + {submitted['db_cpu_ms']:.2f} ms PostgreSQL"
    )
    print()
    print(f"Freeze of {frozen['rows']} reports on a {args.items}-item release:")
    verdict = "PASS" if frozen["seconds"] < FREEZE_TARGET_S else "FAIL"
    print(f"  wall time            {frozen['seconds']:8.2f} s  (target < {FREEZE_TARGET_S:.0f} s: {verdict})")
    print(
        f"  queries              {frozen['queries']:8d}  (slowest: "
        + "; ".join(f"{ms} ms {sql}" for ms, sql in frozen["slowest"])
        + ")"
    )
    ok = frozen["froze"] and frozen["report_count"] == frozen["rows"] and frozen["counts_equal"]
    print(
        f"  counts = rows        {'OK' if ok else 'WRONG'}  (report_count {frozen['report_count']}, "
        f"rows {frozen['rows']})"
    )
    print(f"  segment rows         {frozen['segments']:8d}")
    print(f"  top item             {frozen['top']}, awards {frozen['awards']}")


if __name__ == "__main__":
    sys.exit(main())
