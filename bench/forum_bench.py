"""Forum benchmark: board and thread pages against the framework floor, under gunicorn and wrk.

    .venv/bin/python bench/forum_bench.py [--users N --threads N --posts N --duration S --connections C]

Seeds (or reuses) a forum on PostgreSQL, starts gunicorn on 127.0.0.1 with
bench.settings, and loads each page with wrk in turn: the floor (a view that
returns a few bytes through the full middleware stack), the biggest board's
first page and a thread's first page of 20 posts, anonymous and signed in.
Prints requests/s, p50/p99, the ratio to the floor and the page's HTML size,
and PASS/FAIL against the targets. Always exits 0 once it has measured: it is
a report, not a gate.
"""

import argparse
import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import partial
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
HOST = "127.0.0.1"  # never anything else: this tool loads only our own machine

# The targets, as fractions of the floor's requests/s.
ANONYMOUS_THREAD_RATIO = 1 / 2
ANONYMOUS_THREAD_P99_MS = 50
SIGNED_IN_RATIO = 1 / 3


@dataclass
class Page:
    kind: str
    path: str
    signed_in: bool


@dataclass
class Result:
    page: Page
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    html_bytes: int = 0
    queries: int | None = None
    app_cpu_ms: float = 0.0  # gunicorn workers' CPU time per request
    db_cpu_ms: float = 0.0  # their PostgreSQL backends' CPU time per request


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=40000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    # sync, because with gthread wrk's keep-alive connections stay with the
    # worker that accepted them, and on some runs one worker got all 16 while
    # the other idled: half the throughput. A sync worker takes one request
    # per connection, so both stay busy (and the numbers repeat).
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL with its time")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    if args.duration > 120 or args.warmup > 60:
        print("--duration is at most 120 s and --warmup 60 s per page", file=sys.stderr)
        return 2
    if not prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"

    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import seeding

    call_command("migrate", interactive=False, verbosity=0)
    size = seeding.ForumSize(args.users, args.threads, args.posts)
    started = time.monotonic()
    if seeding.ensure_forum(size):
        print(f"Seeded in {time.monotonic() - started:.1f} s.")
    wrong = {name: n for name, n in seeding.check_counters().items() if n}
    print("Counters consistent with the rows." if not wrong else f"WARNING: counters differ from rows: {wrong}")

    board, thread, viewer = pick_pages()
    cookie = browser_cookies(viewer)
    pages = [
        Page("floor", "/bench/floor/", False),
        # The same view with the session cookie: what signing in alone costs
        # (session, user row, middleware). No signed-in page can be faster.
        Page("floor, signed in", "/bench/floor/", True),
        Page("board, anonymous", board.get_absolute_url(), False),
        Page("thread, anonymous", thread.get_absolute_url(), False),
        Page("board, signed in", board.get_absolute_url(), True),
        Page("thread, signed in", thread.get_absolute_url(), True),
    ]
    print(
        f"Board: {board.name} ({board.thread_count} threads). Thread #{thread.pk}: {thread.reply_count + 1} posts. "
        f"Signed in as {viewer.username}."
    )
    queries = {page.kind: count_queries(page, cookie, show=args.show_queries) for page in pages}
    check_signed_in(cookie)  # the floor page shows no name to check the sign-in by
    connection.close()  # the script's own connection stays out of the measurement

    results = []
    with gunicorn(args) as (base_url, master_pid), CpuMeter(master_pid) as cpu:
        for page in pages:
            url, page_cookie = base_url + page.path, cookie if page.signed_in else None
            body = fetch(url, page_cookie)
            if page.signed_in and page.path != pages[0].path and viewer.shown_name.encode() not in body:
                raise BenchRefused(f"{page.path}: the session cookie did not sign in {viewer.username}")
            if args.warmup:
                run_wrk(wrk, args, url, page_cookie, args.warmup)
            result = cpu.measure(partial(run_wrk, wrk, args, url, page_cookie, args.duration))
            result.page, result.html_bytes, result.queries = page, len(body), queries[page.kind]
            results.append(result)
            print(f"  measured {page.kind:<18} {result.requests_per_s:8.1f} req/s")
        # The floor again at the end: if the two differ much, something else
        # was using the machine and the ratios are only as good as that.
        floor_again = cpu.measure(lambda: run_wrk(wrk, args, base_url + pages[0].path, None, args.duration))
        floor_again.page, floor_again.html_bytes = pages[0], results[0].html_bytes
        floor_again.queries = queries["floor"]
    print_report(args, size, results, floor_again)
    return 0


class BenchRefused(Exception):
    pass


def prepare_services(default_database_url: str, default_redis_url: str) -> bool:
    """Point DATABASE_URL/REDIS_URL at the benchmark's own database and Redis db
    (unless set), create the database, check Redis; False (and why) if not."""
    os.environ.setdefault("DATABASE_URL", default_database_url)
    os.environ.setdefault("REDIS_URL", default_redis_url)
    try:
        create_database(os.environ["DATABASE_URL"])
        check_redis(os.environ["REDIS_URL"])
    except BenchRefused as refusal:
        print(refusal, file=sys.stderr)
        return False
    return True


def create_database(url: str) -> None:
    """Create the benchmark database if missing. Only a database named *bench*: the seeding truncates it."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or "bench" not in name:
        raise BenchRefused(
            f"DATABASE_URL must be a PostgreSQL database with 'bench' in its name (seeding empties it); got {url!r}"
        )
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise BenchRefused(f"DATABASE_URL must point at this machine; got host {parts.hostname!r}")
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"Created database {name}.")
    except psycopg.OperationalError as error:
        raise BenchRefused(f"Cannot reach PostgreSQL at {parts.hostname}:{parts.port or 5432}: {error}") from None


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise BenchRefused(f"Cannot reach Redis at {url}: {error}") from None


def settings_value(name):
    from django.conf import settings

    return getattr(settings, name)


def pick_pages():
    """The biggest board; the most recently active open thread with at least a full page of posts; the viewer."""
    from accounts.models import User
    from bench.seeding import VIEWER_USERNAME
    from forum.models import Board, Thread
    from forum.pages import POSTS_PER_PAGE

    board = Board.objects.order_by("-thread_count", "id").first()
    open_threads = Thread.objects.filter(hidden=False, locked=False).order_by("-last_activity_at")
    thread = open_threads.filter(reply_count__gte=POSTS_PER_PAGE - 1).first()
    if thread is None:
        thread = open_threads.order_by("-reply_count").first()
        print(f"WARNING: no thread has {POSTS_PER_PAGE} posts at this size; using one with {thread.reply_count + 1}.")
    return board, thread, User.objects.get(username=VIEWER_USERNAME)


def session_for(user) -> str:
    """A signed-in session (database and cache, as the site's cached_db engine keeps it); returns its key."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def browser_cookies(user) -> str:
    """The Cookie header of a browser signed in as ``user``: the session and, as after any page with a
    form, the CSRF cookie (without it every signed-in page would draw a new CSRF secret and set it)."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    return f"{settings.SESSION_COOKIE_NAME}={session_for(user)}; {settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"


def client_with(cookie: str | None):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    for pair in cookie.split("; ") if cookie else ():
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    return client


def check_signed_in(cookie: str) -> None:
    """The cookie signs in: a page for signed-in users only answers it (anyone else is sent to sign in)."""
    from django.urls import reverse

    if client_with(cookie).get(reverse("accounts:preferences")).status_code != 200:
        raise BenchRefused("the session cookie does not sign in: the settings page sent it to sign in")


def count_queries(page: Page, cookie: str, *, show: bool) -> int:
    """Queries one request of the page makes, in this process, after a first request has warmed caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_with(cookie if page.signed_in else None)
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    if response.status_code != 200:
        raise BenchRefused(f"{page.path} answered {response.status_code} in-process")
    if show:
        print(
            f"\n{page.kind} {page.path}: {len(captured)} queries, "
            f"{sum(float(q['time']) for q in captured.captured_queries) * 1000:.1f} ms in the database"
        )
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:300]}")
    return len(captured)


def free_port() -> int:
    """A free port: the first of BENCH_PORTS ("8400-8499", for people sharing a machine who split the
    ports between them) that is free, or any the system gives."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise BenchRefused(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


# Loopback addresses gunicorn also listens on when asked (bench.settings allows them as hosts).
LOOPBACK_ALIASES = [f"127.0.0.{number}" for number in range(2, 18)]


@contextlib.contextmanager
def gunicorn(args, *, aliases: int = 0):
    """Run gunicorn on a free port of 127.0.0.1 until the block ends, however it ends; also on the first
    ``aliases`` of LOOPBACK_ALIASES, same port (see storm_bench.Addresses)."""
    port = getattr(args, "port", 0) or free_port()
    command = [
        str(REPO_DIR / ".venv/bin/gunicorn"),
        "canyu.wsgi",
        "--chdir",
        str(REPO_DIR),
        "--bind",
        f"{HOST}:{port}",
        *(option for alias in LOOPBACK_ALIASES[:aliases] for option in ("--bind", f"{alias}:{port}")),
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--graceful-timeout",
        "5",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.worker_threads)]
    # Open while gunicorn writes to it: closed in the finally below.
    log = tempfile.NamedTemporaryFile(prefix="canyu-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    # Its own session and process group: a Ctrl-C reaches only this script,
    # and stop() below can end gunicorn and its workers together by that group.
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=dict(os.environ)
    )

    def stop():
        # Only while the master is not yet reaped: its pid, and so the group id, is still ours.
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    atexit.register(stop)  # in case the finally below is cut short
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        base_url = f"http://{HOST}:{port}"
        wait_until_answering(process, base_url + "/bench/floor/", log.name)
        yield base_url, process.pid
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not interrupt the clean-up
        stop()
        atexit.unregister(stop)
        signal.signal(signal.SIGTERM, previous_sigterm)
        log.close()
        complaints = [
            line
            for line in Path(log.name).read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line or "Internal Server Error" in line
        ]
        if complaints:
            print(f"WARNING: gunicorn logged errors, see {log.name}:\n  " + "\n  ".join(complaints[:5]))
        else:
            os.unlink(log.name)


class CpuMeter:
    """CPU time the gunicorn workers and their PostgreSQL backends spend per request.

    Requests/s on a shared machine move with whatever else runs; CPU time per
    request moves much less, so it tells a slower page from a busier machine.
    """

    def __init__(self, master_pid: int):
        self.master_pid = master_pid
        self.ticks = os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        self.pg = psycopg.connect(
            **{key: params[key] for key in ("host", "port", "user", "password", "dbname") if params.get(key)},
            autocommit=True,
        )
        return self

    def __exit__(self, *exc):
        self.pg.close()

    def measure(self, run) -> Result:
        app_before, db_before = self._app_seconds(), self._db_seconds()
        result = run()
        app_after, db_after = self._app_seconds(), self._db_seconds()
        requests = max(1, result.requests)
        result.app_cpu_ms = (app_after - app_before) * 1000 / requests
        # A backend that connected during the run counts from zero.
        result.db_cpu_ms = sum(after - db_before.get(pid, 0) for pid, after in db_after.items()) * 1000 / requests
        return result

    def _cpu_seconds(self, pid: int, stat: str | None = None) -> float:
        stat = stat or Path(f"/proc/{pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # from field 3 on: ppid is [1], utime [11], stime [12]
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def _app_seconds(self) -> float:
        total = 0.0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.master_pid:
                    total += self._cpu_seconds(int(entry.name), stat)
        return total

    def _db_seconds(self) -> dict[int, float]:
        # Every other backend on the benchmark database is a gunicorn worker's.
        pids = [
            row[0]
            for row in self.pg.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
        seconds = {}
        for pid in pids:
            try:
                seconds[pid] = self._cpu_seconds(pid)
            except OSError:
                pass  # disconnected meanwhile, or PostgreSQL on another machine
        return seconds


def wait_until_answering(process, url: str, log_name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchRefused(f"gunicorn exited with {process.returncode}:\n{Path(log_name).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise BenchRefused(f"gunicorn did not answer {url} within {timeout:.0f} s; see {log_name}")


def fetch(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200 or response.url != url:
            raise BenchRefused(f"{url} answered {response.status} at {response.url}")
        return response.read()


RESULT_RE = re.compile(r"^BENCH-RESULT (.*)$", re.MULTILINE)


def run_wrk(wrk: str, args, url: str, cookie: str | None, seconds: int) -> Result:
    assert urllib.parse.urlsplit(url).hostname in {HOST, *LOOPBACK_ALIASES}  # our own machine only
    command = [
        wrk,
        "--threads",
        str(args.wrk_threads),
        "--connections",
        str(args.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "5s",
        "--script",
        str(BENCH_DIR / "wrk_report.lua"),
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    completed = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30)
    match = RESULT_RE.search(completed.stdout)
    if completed.returncode != 0 or not match:
        raise BenchRefused(f"wrk failed on {url}:\n{completed.stdout}\n{completed.stderr}")
    numbers = {key: int(value) for key, value in (item.split("=") for item in match.group(1).split())}
    errors = sum(numbers[key] for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return Result(
        page=None,
        requests_per_s=numbers["requests"] / (numbers["duration_us"] / 1e6),
        p50_ms=numbers["p50_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        errors=errors,
        requests=numbers["requests"],
    )


def verdict(result: Result, floor_rps: float, connections: int) -> str:
    ratio = result.requests_per_s / floor_rps
    if result.page.kind == "thread, anonymous":
        fast_enough = ratio >= ANONYMOUS_THREAD_RATIO
        p99_ok = result.p99_ms < ANONYMOUS_THREAD_P99_MS
        note = "" if connections == 16 else " (target is at 16 connections)"
        word = "PASS" if fast_enough and p99_ok else "FAIL"
        return f"{word} ≥1/2 floor {'ok' if fast_enough else 'no'}, p99<50ms {'ok' if p99_ok else 'no'}{note}"
    if result.page.kind == "floor, signed in":
        return "(reference: no signed-in page is faster)"
    if result.page.signed_in:
        return f"{'PASS' if ratio >= SIGNED_IN_RATIO else 'FAIL'} ≥1/3 floor"
    return "(reference)" if result.page.kind == "floor" else "(no target)"


# The figures of a measured page, the same in every benchmark's table (bench/ideas_bench.py too).
FIGURES_HEADER = (
    f"{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'× floor':>8} {'HTML bytes':>10} {'queries':>7} {'CPU ms/req':>10}"
)


def figures(result: Result, floor_rps: float, *, is_floor: bool = False) -> str:
    ratio = "—" if is_floor else f"{result.requests_per_s / floor_rps:.2f}"
    return (
        f"{result.requests_per_s:8.1f} {result.p50_ms:7.1f} {result.p99_ms:7.1f} {ratio:>8} "
        f"{result.html_bytes:>10} {result.queries:>7} {result.app_cpu_ms:5.2f}+{result.db_cpu_ms:4.2f}"
    )


def warn_about_errors(results: list[Result]) -> None:
    errors = {r.page.kind: r.errors for r in results if r.errors}
    if errors:
        print(f"WARNING: failed or non-2xx responses during the load: {errors}")


def print_report(args, size, results, floor_again: Result) -> None:
    floor = results[0]
    floor_rps = (floor.requests_per_s + floor_again.requests_per_s) / 2
    worker = f"{args.worker_class}, {args.workers} workers" + (
        f" × {args.worker_threads} threads" if args.worker_class == "gthread" else ""
    )
    print()
    print(f"Canyu forum benchmark: {size}")
    print(
        f"gunicorn {worker}; wrk {args.wrk_threads} threads, {args.connections} connections, "
        f"{args.duration} s per page after {args.warmup} s warm-up; {os.cpu_count()} CPUs"
    )
    header = f"{'page':<18} {'path':<14} {FIGURES_HEADER}  target"
    print(header)
    print("-" * len(header))
    for result in results + [floor_again]:
        is_floor = result.page.kind == "floor"
        kind = result.page.kind if not is_floor else ("floor, first" if result is floor else "floor, last")
        print(
            f"{kind:<18} {result.page.path:<14} {figures(result, floor_rps, is_floor=is_floor)}  "
            f"{verdict(result, floor_rps, args.connections)}"
        )
    drift = abs(floor_again.requests_per_s - floor.requests_per_s) / floor_rps
    print(
        f"× floor: requests/s over the floor's mean, {floor_rps:.1f} req/s."
        + (
            " The floor moved by more than 10 % during the run: the machine was busy, compare with care."
            if drift > 0.10
            else ""
        )
    )
    print(
        "CPU ms/req: gunicorn workers + their PostgreSQL backends, per request; steadier than req/s when "
        "something else shares the machine."
    )
    warn_about_errors(results + [floor_again])


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchRefused as refusal:
        print(f"forum_bench: {refusal}", file=sys.stderr)
        sys.exit(1)
