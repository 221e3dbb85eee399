"""Growth table: what page 1 and the deep pages cost as the forum grows to a million posts.

    .venv/bin/python bench/growth_bench.py [--sizes 40000,400000,1000000 --repeat 15 --code DIR]
    # or: make bench-growth

For each size, seeds a dedicated PostgreSQL database in SQL (users by COPY,
threads and posts by INSERT ... SELECT over generate_series: a large board of
24 000 threads, a thread of 10 000 posts, the rest of the posts spread over a
second board's threads; some posts deleted or hidden, two threads pinned), then
times, in this process through Django's test client (no server, so no network
or worker scheduling in the figures): page 1 and the last page of the
10 000-post thread, page 1 and page 500 of the large board, anonymous and
signed in, cold (the whole cache cleared before each request: page, shell,
fragments, session and user) and warm. Prints the median wall time of
``--repeat`` requests, the ratio of each deep page to its page 1, and the
queries each makes.

``--code DIR`` measures another checkout's code (for example the commit before
a change, unpacked by ``git archive``) on the same seeding; give it its own
DATABASE_URL, since its migrations differ. Always exits 0 once it has
measured: it is a report, not a gate.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_growth_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_SIZES = "40000,400000,1000000"

USERS = 2_000
BIG_BOARD_THREADS = 24_000
BIG_THREAD_POSTS = 10_000
PER_PAGE = 20
DEEP_BOARD_PAGE = 500


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"posts, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--repeat", type=int, default=15, help="requests timed per page and state (default 15)")
    parser.add_argument("--code", type=Path, default=REPO_DIR, help="the checkout whose code is measured")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL with its time, cold")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes is a comma-separated list of post counts")
    if any(size < minimum_posts(size) for size in args.sizes):
        parser.error(
            f"every size needs at least {minimum_posts(0)} posts (the board's threads' first posts and the long thread)"
        )
    if not 1 <= args.repeat <= 200:
        parser.error("--repeat is between 1 and 200")
    return args


@dataclass(frozen=True)
class Layout:
    """What a forum of ``posts`` posts holds: the large board, the long thread, the rest spread."""

    posts: int

    @property
    def other_threads(self) -> int:
        return self.posts // 100

    @property
    def threads(self) -> int:
        return BIG_BOARD_THREADS + self.other_threads

    @property
    def spread_replies(self) -> int:
        return self.posts - self.threads - (BIG_THREAD_POSTS - 1)

    def __str__(self):
        return (
            f"{self.posts} posts: {BIG_BOARD_THREADS} threads in the large board, {self.other_threads} in "
            f"another, one of {BIG_THREAD_POSTS} posts"
        )


def minimum_posts(size: int) -> int:
    return BIG_BOARD_THREADS + size // 100 + BIG_THREAD_POSTS - 1


def main(argv=None) -> int:
    args = parse_args(argv)
    code = args.code.resolve()
    if code != REPO_DIR:
        sys.dont_write_bytecode = True  # another checkout is only read
    sys.path.insert(0, str(code))
    # Celery's Django fixup puts the working directory first on sys.path: it must be the measured checkout.
    os.chdir(code)
    from bench import forum_bench as tools

    if not tools.prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    import forum

    measured = Path(forum.__file__).resolve().parent.parent
    if measured != code:
        raise tools.BenchRefused(f"asked to measure {code}, but its forum app came from {measured}")
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Code: {code} (post floors: {'yes' if has_floors() else 'no'})")
    table = []
    for size in args.sizes:
        layout = Layout(size)
        started = time.monotonic()
        if ensure_seeded(layout):
            print(f"Seeded {layout} in {time.monotonic() - started:.1f} s.")
        else:
            print(f"Reusing the seeded {layout}.")
        table += measure(layout, args)
    print_table(args, table)
    return 0


def has_floors() -> bool:
    from forum.models import Post

    return any(field.name == "floor" for field in Post._meta.concrete_fields)


def ensure_seeded(layout: Layout) -> bool:
    from forum.models import Board, Post

    board = Board.objects.filter(slug="large").first()
    if board and board.description == str(layout) and Post.objects.count() == layout.posts:
        return False
    seed(layout)
    return True


def seed(layout: Layout) -> None:
    """A fresh forum of ``layout`` (every table emptied first), in SQL; then VACUUM ANALYZE, as a site that
    has run a while has statistics and visibility maps."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.models import User
    from accounts.roles import Role
    from bench.ideas_bench import insert_select
    from bench.release_bench import copy_users
    from forum.models import Board, Post, Thread

    quote = connection.ops.quote_name
    user, board, thread, post = (quote(model._meta.db_table) for model in (User, Board, Thread, Post))
    membership = quote(User.groups.through._meta.db_table)
    floors = has_floors()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {user}, {board} RESTART IDENTITY CASCADE")
        copy_users(cursor, USERS, password=make_password(None))
        # Badges, as on the site: every user a fan, one in twenty an engineer.
        groups = dict(Group.objects.filter(name__in=[Role.FAN.value, Role.ENGINEER.value]).values_list("name", "pk"))
        cursor.execute(
            f"""INSERT INTO {membership} (user_id, group_id) SELECT id, %s FROM {user}
                           UNION ALL SELECT id, %s FROM {user} WHERE id %% 20 = 0""",
            [groups[Role.FAN.value], groups[Role.ENGINEER.value]],
        )
        large = Board.objects.create(slug="large", name="综合讨论 General", description=str(layout), position=0)
        other = Board.objects.create(slug="other", name="相机 Camera", position=1)
        # Thread 1 is the long one. Ids, creation and activity times grow together; two threads pinned,
        # one in 500 hidden.
        insert_select(
            cursor,
            Thread,
            {
                "board_id": f"CASE WHEN n <= {BIG_BOARD_THREADS} THEN {large.pk} ELSE {other.pk} END",
                "author_id": f"1 + n % {USERS}",
                "last_poster_id": f"1 + n % {USERS}",
                "title": "CASE WHEN n % 2 = 0 THEN '升级 HyperOS 之后续航怎么样？第 ' || n || ' 帖' "
                "ELSE 'Camera app crashes after the update, thread ' || n END",
                "created_at": f"now() - ({layout.threads + 1} - n) * interval '10 minutes'",
                "last_activity_at": f"now() - ({layout.threads + 1} - n) * interval '10 minutes'",
                "pinned": "n IN (2, 3)",
                "hidden": "n > 3 AND n % 500 = 0",
                "view_count": "n % 700",
            },
            f"FROM generate_series(1, {layout.threads}) AS n",
        )
        text = (
            "升级到 HyperOS 2.0 之后续航明显变好了，**待机一晚只掉 3%**。I flashed the beta on my Xiaomi 14: "
            "the camera app feels snappier, but the gallery still stutters on 4K videos."
        )
        html = (
            "<p>升级到 HyperOS 2.0 之后续航明显变好了，<strong>待机一晚只掉 3%</strong>。I flashed the beta on "
            "my Xiaomi 14: the camera app feels snappier, but the gallery still stutters on 4K videos.</p>"
        )
        # Every post as (thread, author, time, k): first posts, the long thread's replies (one in 50
        # deleted, one in 333 hidden), and the rest spread over the other threads. Inserted in time order,
        # so ids grow with time, and each thread's floors follow its ids.
        planned = f"""
            SELECT id AS thread_id, author_id, created_at, 0 AS k FROM {thread}
            UNION ALL
            SELECT 1, 1 + k % {USERS}, (SELECT created_at FROM {thread} WHERE id = 1) + k * interval '1 minute', k
            FROM generate_series(1, {BIG_THREAD_POSTS - 1}) AS k
            UNION ALL
            SELECT t.id, 1 + (k * 7) % {USERS}, t.created_at + (1 + k % 997) * interval '1 second', k
            FROM generate_series(1, {layout.spread_replies}) AS k
            JOIN {thread} AS t ON t.id = 2 + (k::bigint * 7919) % {layout.threads - 1}"""
        expressions = {
            "thread_id": "thread_id",
            "author_id": "author_id",
            "created_at": "created_at",
            "source": sql_text(text),
            "html": sql_text(html),
            "deleted_at": "CASE WHEN thread_id = 1 AND k > 0 AND k % 50 = 0 THEN created_at END",
            "hidden": "thread_id = 1 AND k > 0 AND k % 333 = 0",
        }
        if floors:
            expressions["floor"] = "ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY created_at, k)"
        source = f"FROM ({planned}) AS planned ORDER BY created_at, k".replace("%", "%%")
        insert_select(cursor, Post, expressions, source)
        counted = f"""
            SELECT DISTINCT ON (thread_id) thread_id, created_at, author_id,
                   COUNT(*) OVER (PARTITION BY thread_id) AS posts,
                   COUNT(*) FILTER (WHERE deleted_at IS NULL) OVER (PARTITION BY thread_id) AS live
            FROM {post} ORDER BY thread_id, created_at DESC, id DESC"""
        last_floor = ", last_floor = counted.posts" if floors else ""
        cursor.execute(f"""
            UPDATE {thread} SET last_activity_at = counted.created_at, last_poster_id = counted.author_id,
                                reply_count = counted.live - 1{last_floor}
            FROM ({counted}) AS counted WHERE counted.thread_id = {thread}.id""")
        cursor.execute(f"""
            UPDATE {board} SET thread_count = counted.threads, post_count = counted.posts
            FROM (SELECT t.board_id, COUNT(DISTINCT t.id) AS threads, COUNT(p.id) AS posts
                  FROM {thread} AS t JOIN {post} AS p ON p.thread_id = t.id AND p.deleted_at IS NULL
                  GROUP BY t.board_id) AS counted
            WHERE counted.board_id = {board}.id""")
        cursor.execute(f"""
            UPDATE {user} SET post_count = counted.posts
            FROM (SELECT author_id, COUNT(*) AS posts FROM {post} WHERE deleted_at IS NULL GROUP BY author_id)
                 AS counted
            WHERE counted.author_id = {user}.id""")
    with connection.cursor() as cursor:
        for table in (user, membership, board, thread, post):
            cursor.execute(f"VACUUM ANALYZE {table}")


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Timing:
    posts: int
    page: str
    reader: str
    cold: "Sample"
    warm: "Sample"
    queries: int
    first_page: "Timing | None" = None


@dataclass
class Sample:
    """Medians over the timed requests: wall time, this process's CPU time, time spent waiting for SQL."""

    wall_ms: float
    cpu_ms: float
    sql_ms: float


class Clock:
    """Times requests: wall, CPU of this process, and wall time inside SQL (a wrapper around each execute)."""

    def __init__(self):
        self.walls, self.cpus, self.sqls = [], [], []
        self._sql = 0.0

    def _timed_sql(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._sql += time.perf_counter() - started

    def time(self, call) -> None:
        from django.db import connection

        self._sql = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(self._timed_sql):
            call()
        self.walls.append(time.perf_counter() - wall)
        self.cpus.append(time.process_time() - cpu)
        self.sqls.append(self._sql)

    def sample(self) -> Sample:
        return Sample(*(statistics.median(values) * 1000 for values in (self.walls, self.cpus, self.sqls)))


def pages_of(layout: Layout) -> list[tuple[str, str, str]]:
    """(page, path, its page 1's name) for the long thread and the large board."""
    from forum.models import Post

    fans_see = Post.objects.filter(thread_id=1, hidden=False, deleted_at=None).count()
    last = -(-fans_see // PER_PAGE)
    return [
        ("thread, page 1", "/t/1/", "thread, page 1"),
        (f"thread, last ({last})", f"/t/1/?page={last}", "thread, page 1"),
        ("board, page 1", "/b/large/", "board, page 1"),
        (f"board, page {DEEP_BOARD_PAGE}", f"/b/large/?page={DEEP_BOARD_PAGE}", "board, page 1"),
    ]


def measure(layout: Layout, args) -> list[Timing]:
    """Each page cold then warm, anonymous then signed in. The pages take turns within each round, so a
    busier moment of the machine falls on all of them alike, not on one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import forum_bench as tools

    viewer = User.objects.order_by("pk")[6]
    cookie = tools.browser_cookies(viewer)
    pages = pages_of(layout)
    timings = []
    for reader in ("anonymous", "signed in"):
        client = tools.client_with(cookie if reader == "signed in" else None)

        def get(path, client=client, reader=reader):  # this iteration's, bound at definition
            response = client.get(path)
            if response.status_code != 200:
                raise tools.BenchRefused(f"{path} answered {response.status_code}")
            if reader == "signed in" and viewer.shown_name.encode() not in response.content:
                raise tools.BenchRefused(f"{path}: the session cookie did not sign in {viewer.username}")

        for _, path, _ in pages:
            get(path)  # the reader's first visit (their roles, a first read mark) is not what is measured
        queries = {}
        for name, path, _ in pages:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                get(path)
            queries[name] = len(captured)  # now: the next request's start empties the log
            if args.show_queries:
                print(f"\n{layout.posts} posts, {name}, {reader}, cold: {len(captured)} queries")
                for query in captured.captured_queries:
                    print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:400]}")
        cold = {name: Clock() for name, _, _ in pages}
        for _ in range(args.repeat):
            for name, path, _ in pages:
                cache.clear()
                cold[name].time(partial(get, path))
        warm = {name: Clock() for name, _, _ in pages}
        for _, path, _ in pages:
            get(path)
        for _ in range(args.repeat):
            for name, path, _ in pages:
                warm[name].time(partial(get, path))
        firsts = {}
        for name, _, first_name in pages:
            timing = Timing(layout.posts, name, reader, cold[name].sample(), warm[name].sample(), queries[name])
            timing.first_page = firsts.setdefault(first_name, timing)
            timings.append(timing)
            print(
                f"  {layout.posts:>9} {name:<18} {reader:<10} cold {timing.cold.wall_ms:7.1f} ms, "
                f"warm {timing.warm.wall_ms:6.2f} ms"
            )
    connection.close()
    return timings


def print_table(args, table: list[Timing]) -> None:
    print()
    print(
        f"Canyu growth table: medians of {args.repeat} requests in-process (test client, bench.settings), "
        f"{os.cpu_count()} CPUs. Cold: the whole cache cleared before each request."
    )
    header = (
        f"{'posts':>9}  {'page':<18} {'reader':<10} {'cold ms':>8} {'(cpu':>6} {'sql)':>6} {'× p.1':>6} "
        f"{'warm ms':>8} {'× p.1':>6} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    for timing in table:
        first = timing.first_page
        cold_ratio = "—" if first is timing else f"{timing.cold.wall_ms / first.cold.wall_ms:.2f}"
        warm_ratio = "—" if first is timing else f"{timing.warm.wall_ms / first.warm.wall_ms:.2f}"
        print(
            f"{timing.posts:>9}  {timing.page:<18} {timing.reader:<10} {timing.cold.wall_ms:8.1f} "
            f"{timing.cold.cpu_ms:6.1f} {timing.cold.sql_ms:6.1f} {cold_ratio:>6} {timing.warm.wall_ms:8.2f} "
            f"{warm_ratio:>6} {timing.queries:>7}"
        )
    print(
        "cold ms: wall time of a request (cpu: of this process; sql: waiting for PostgreSQL), median; "
        "× p.1: over the same reader's page 1."
    )
    deep = [t for t in table if t.first_page is not t]
    worst = max(deep, key=lambda t: t.cold.wall_ms / t.first_page.cold.wall_ms, default=None)
    if worst:
        ratio = worst.cold.wall_ms / worst.first_page.cold.wall_ms
        print(
            f"Worst deep page, cold: {worst.page}, {worst.reader}, at {worst.posts} posts: {ratio:.2f} × its "
            f"page 1 ({'within' if ratio <= 2 else 'OVER'} the target of 2 ×)."
        )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as refusal:
        # bench.forum_bench.BenchRefused, from the measured checkout (importable only once main() chose it).
        if type(refusal).__name__ != "BenchRefused":
            raise
        print(f"growth_bench: {refusal}", file=sys.stderr)
        sys.exit(1)
