"""Ideas benchmark: the top and trending lists with 50 000 ideas and 2 000 000 votes, under gunicorn and wrk.

    .venv/bin/python bench/ideas_bench.py [--ideas 50000 --votes 2000000 --voters 20000]   # or: make bench-ideas

Seeds a dedicated PostgreSQL database (users by COPY, threads, ideas and votes
by INSERT ... SELECT over generate_series: about a minute for the default
size, reused when the size matches), rebuilds the vote counts from the rows and
the trending scores with ``ideas.trending.refresh_trending`` (timed: it is
the beat task that runs every ten minutes), then loads each list with wrk:
top, trending and new (page 1), top page 100 (a deep offset), and top and
trending signed in (the fan's own votes marked). Prints requests/s, p50/p99,
the ratio to the floor view, HTML bytes and queries, and PASS/FAIL against the
issue's target: p99 under 50 ms at 16 connections for the top and trending
lists. Always exits 0 once it has measured: it is a report, not a gate.
"""

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(REPO_DIR))
# Its own database: seeding empties the users, which the other benchmarks' databases keep.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_ideas_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
P99_TARGET_MS = 50
PRODUCT_SLUG = "bench"
AREAS = [
    "Camera 相机",
    "Messages 短信",
    "Battery 电池",
    "System 系统",
    "Display 显示",
    "Audio 音频",
    "Wi-Fi 无线",
    "Home screen 桌面",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=50_000)
    parser.add_argument("--votes", type=int, default=2_000_000)
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--show-queries", action="store_true")
    return parser.parse_args(argv)


@dataclass(frozen=True)
class Size:
    ideas: int
    votes: int
    voters: int

    def __str__(self):
        return f"{self.ideas} ideas, {self.votes} votes wanted from {self.voters} fans"


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    if min(args.ideas, args.votes, args.voters) < 1 or args.votes > args.ideas * args.voters:
        print("--ideas, --votes and --voters must be positive, and votes at most ideas × voters", file=sys.stderr)
        return 2
    from bench import forum_bench as tools

    if not tools.prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    size = Size(args.ideas, args.votes, args.voters)
    started = time.monotonic()
    if ensure_seeded(size):
        print(f"Seeded in {time.monotonic() - started:.1f} s.")
    facts = check_counts()
    counts = "equal to the rows" if facts["wrong_counts"] == 0 else f"WRONG on {facts['wrong_counts']} ideas"
    print(f"{facts['ideas']} ideas, {facts['votes']} votes; vote counts {counts}.")
    trending_seconds, trending_ideas = time_refresh()
    print(
        f"refresh_trending (the ten-minute beat task): {trending_seconds:.2f} s for {trending_ideas} ideas "
        f"with votes in the last 7 days."
    )

    viewer = pick_viewer()
    cookie = f"{tools.settings_value('SESSION_COOKIE_NAME')}={tools.session_for(viewer)}"
    base = f"/ideas/{PRODUCT_SLUG}/"
    Page = tools.Page
    pages = [
        Page("floor", "/bench/floor/", False),
        Page("top", base, False),
        Page("trending", base + "?sort=trending", False),
        Page("new", base + "?sort=new", False),
        Page("top, page 100", base + "?page=100", False),
        Page("top, signed in", base, True),
        Page("trending, signed in", base + "?sort=trending", True),
    ]
    queries = {page.kind: tools.count_queries(page, cookie, show=args.show_queries) for page in pages}
    connection.close()

    results = []
    with tools.gunicorn(args) as (base_url, master_pid), tools.CpuMeter(master_pid) as cpu:
        for page in pages:
            url, page_cookie = base_url + page.path, cookie if page.signed_in else None
            body = tools.fetch(url, page_cookie)
            if args.warmup:
                tools.run_wrk(wrk, args, url, page_cookie, args.warmup)
            result = cpu.measure(partial(tools.run_wrk, wrk, args, url, page_cookie, args.duration))
            result.page, result.html_bytes, result.queries = page, len(body), queries[page.kind]
            results.append(result)
            print(f"  measured {page.kind:<20} {result.requests_per_s:8.1f} req/s")
    print_report(args, size, results)
    return 0


def ensure_seeded(size: Size) -> bool:
    from ideas.models import Idea
    from releases.models import Product

    product = Product.objects.filter(slug=PRODUCT_SLUG).first()
    if product and product.description == str(size) and Idea.objects.filter(product=product).count() == size.ideas:
        return False
    seed(size)
    return True


def seed(size: Size) -> None:
    """A fresh database: ``voters`` fans, an ideas board and product, ``ideas`` ideas with their threads
    and first posts, and about ``votes`` votes (one per fan and idea), a tenth of them popular ideas',
    cast over the last 60 days with more of them recent."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import User
    from bench.release_bench import copy_users
    from forum.models import Board, Post, Thread
    from ideas.models import Idea, IdeaVote
    from releases.models import FeatureArea, Product

    quote = connection.ops.quote_name
    table = {
        model: quote(model._meta.db_table)
        for model in (User, Board, Product, Thread, Post, Idea, IdeaVote, FeatureArea)
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table[User]}, {table[Board]}, {table[Product]} RESTART IDENTITY CASCADE")
        copy_users(cursor, size.voters, password=make_password(None))
        board = Board.objects.create(slug="ideas", name="功能建议 Ideas", holds_ideas=True)
        product = Product.objects.create(name="Bench OS", slug=PRODUCT_SLUG, description=str(size), ideas_board=board)
        FeatureArea.objects.bulk_create([FeatureArea(product=product, name=name) for name in AREAS])
        first_area = FeatureArea.objects.filter(product=product).order_by("pk").first().pk
        # Threads: authors cycle through the fans; titles in both languages.
        insert_select(
            cursor,
            Thread,
            {
                "board_id": str(board.pk),
                "author_id": f"1 + (n % {size.voters})",
                "last_poster_id": f"1 + (n % {size.voters})",
                "title": "CASE WHEN n % 2 = 0 THEN '希望增加功能 ' || n || ' 号：相机夜景更快' "
                "ELSE 'Idea ' || n || ': faster night shots in the camera' END",
                "created_at": "now() - (n * interval '20 minutes')",
                "last_activity_at": "now() - (n * interval '20 minutes')",
                "view_count": "n % 500",
                "last_floor": "1",
            },
            f"FROM generate_series(1, {size.ideas}) AS n",
        )
        insert_select(
            cursor,
            Post,
            {
                "thread_id": "id",
                "author_id": "author_id",
                "source": "'It would help me every day.'",
                "html": "'<p>It would help me every day.</p>'",
                "created_at": "created_at",
                "floor": "1",
            },
            f"FROM {table[Thread]}",
        )
        statuses = "ARRAY['new', 'new', 'new', 'under_review', 'declined']"
        insert_select(
            cursor,
            Idea,
            {
                "thread_id": "id",
                "product_id": str(product.pk),
                "area_id": f"{first_area} + (id % {len(AREAS)})",
                "status": f"({statuses})[1 + id % 5]",
                "status_note": "CASE WHEN id % 5 = 4 THEN 'Not for now.' ELSE '' END",
                "created_at": "created_at",
            },
            f"FROM {table[Thread]}",
        )
        cursor.execute(f"SELECT min(id) FROM {table[Idea]}")
        first_idea = cursor.fetchone()[0]
        per_voter = -(-size.votes // size.voters)
        # Fan u's k-th vote: for even k one of the first tenth of the ideas (the popular ones), for odd k any.
        # Both steps are prime to the ranges, so a fan's votes mostly differ; the rare clash is dropped.
        popular = max(size.ideas // 10, 1)
        cursor.execute(
            f"""
            INSERT INTO {table[IdeaVote]} (idea_id, user_id, created_at)
            SELECT %s + CASE WHEN k %% 2 = 0 THEN (u * 7919 + k * 4729) %% %s ELSE (u * 104729 + k * 7043) %% %s END,
                   u, now() - (power(random(), 2) * interval '60 days')
            FROM generate_series(1, %s) AS u, generate_series(0, %s) AS k
            WHERE (u - 1) * %s + k < %s
            ON CONFLICT DO NOTHING""",
            [first_idea, popular, size.ideas, size.voters, per_voter - 1, per_voter, size.votes],
        )
        cursor.execute(f"""
            UPDATE {table[Idea]} AS idea SET vote_count = counted.n
            FROM (SELECT idea_id, count(*) AS n FROM {table[IdeaVote]} GROUP BY idea_id) AS counted
            WHERE counted.idea_id = idea.id""")
        cursor.execute(
            f"UPDATE {table[Board]} SET thread_count = %s, post_count = %s WHERE id = %s",
            [size.ideas, size.ideas, board.pk],
        )
    with connection.cursor() as cursor:
        for model in table:
            cursor.execute(f"ANALYZE {table[model]}")


def insert_select(cursor, model, expressions: dict[str, str], source: str) -> None:
    """INSERT INTO model's table SELECT …: every concrete column, from ``expressions`` (SQL, by column)
    or else the model's default, so a new column with a default does not break the benchmark."""
    from django.db import connection

    template = model()
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column].replace("%", "%%"))
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(getattr(template, field.attname), connection))
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}", params)


def check_counts() -> dict:
    from django.db.models import Count, F

    from ideas.models import Idea, IdeaVote

    wrong = Idea.objects.annotate(rows=Count("votes")).exclude(vote_count=F("rows")).count()
    return {"ideas": Idea.objects.count(), "votes": IdeaVote.objects.count(), "wrong_counts": wrong}


def time_refresh() -> tuple[float, int]:
    from ideas import trending

    started = time.perf_counter()
    ideas = trending.refresh_trending()
    return time.perf_counter() - started, ideas


def pick_viewer():
    from accounts.models import User

    return User.objects.order_by("pk")[7]


def print_report(args, size, results) -> None:
    from bench.forum_bench import FIGURES_HEADER, figures, warn_about_errors

    floor = results[0].requests_per_s
    print()
    print(
        f"Canyu ideas benchmark: {size}; gunicorn {args.worker_class}, {args.workers} workers; wrk "
        f"{args.wrk_threads} threads, {args.connections} connections, {args.duration} s per page; "
        f"{os.cpu_count()} CPUs"
    )
    header = f"{'page':<20} {FIGURES_HEADER}  target"
    print(header)
    print("-" * len(header))
    for result in results:
        kind = result.page.kind
        target = "(reference)" if kind == "floor" else "(no target)"
        if kind.split(",")[0] in ("top", "trending") and "page 100" not in kind:
            passed = result.p99_ms < P99_TARGET_MS and not result.errors
            target = f"{'PASS' if passed else 'FAIL'} p99 < {P99_TARGET_MS} ms"
            if args.connections != 16:
                target += " (target is at 16 connections)"
        print(f"{kind:<20} {figures(result, floor, is_floor=kind == 'floor')}  {target}")
    warn_about_errors(results)


if __name__ == "__main__":
    from bench.forum_bench import BenchRefused

    try:
        sys.exit(main())
    except BenchRefused as refusal:
        print(f"ideas_bench: {refusal}", file=sys.stderr)
        sys.exit(1)
