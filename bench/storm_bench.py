"""Storm benchmark: the hot thread read by wrk while fans reply to it through the real form.

    .venv/bin/python bench/storm_bench.py [--rates 0,2,10,30 --duration 8 --posters 400]   # or: make bench-storm

Friday 17:00: the announcement thread is read by 16 connections, anonymous and
signed in, while replies arrive at 0, 2, 10 and 30 per second, each an HTTP
POST of the reply form (session cookie and CSRF token, as a signed-in fan's
browser sends it) from many accounts, and a real Celery worker (with its beat,
which relays any job the web process left in the outbox) runs the reply
notifications. For each rate and kind of reader it prints the reads'
requests/s, p99 and CPU ms (gunicorn workers + their PostgreSQL backends, per
read, as bench/forum_bench.py measures it: the replies' own work is in it), the
replies' p50/p99 and refusals, and the ratio to the floor measured in the same
run. A report, not a gate: exits 0 once it has measured.
"""

import argparse
import contextlib
import itertools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench import forum_bench  # noqa: E402
from bench.forum_bench import HOST, REPO_DIR, BenchRefused, Page  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/canyu_storm_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"

# The targets at 30 replies/s, as fractions of the same reader's throughput with no replies.
ANONYMOUS_KEEPS, ANONYMOUS_P99_MS = 1 / 2, 50
SIGNED_IN_KEEPS, SIGNED_IN_P99_MS = 1 / 3, 100
REPLY_P99_MS = 150


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=40000)
    parser.add_argument("--rates", default="0,2,10,30", help="replies per second, one step each")
    parser.add_argument("--duration", type=int, default=8, help="seconds of measured load per step (default 8)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of replies and reads before measuring")
    parser.add_argument(
        "--posters",
        type=int,
        default=400,
        help="accounts the replies come from, in turn (each replies every posters/rate seconds)",
    )
    parser.add_argument(
        "--likes",
        type=float,
        default=0,
        help="likes per second on the thread during every step with replies (half on its first post; default 0)",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    args = parser.parse_args(argv)
    args.worker_class, args.worker_threads = "sync", 1  # as bench/forum_bench.py, and why there
    args.rates = [float(rate) for rate in args.rates.split(",")]
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    if args.duration > 60 or args.warmup > 10 or len(args.rates) > 8 or max(args.rates) > 100:
        print("at most 8 rates of at most 100 replies/s, --duration 60 s and --warmup 10 s", file=sys.stderr)
        return 2
    if not forum_bench.prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CELERY_QUEUE", "storm_bench")
    # The replies' accounts take turns, each replying at most once every posters/rate seconds:
    # at the default 400 accounts and 30 replies/s, every 13 s, within the site's own 1/5s and
    # 200 a day. The duplicate rule is met with a different text in every reply.
    shortest_gap = args.posters / max(args.rates)
    if shortest_gap < 5:
        print(
            f"--posters {args.posters} at {max(args.rates):g} replies/s: each account would reply every "
            f"{shortest_gap:.1f} s, faster than FORUM_RATE_POST allows (1/5s)",
            file=sys.stderr,
        )
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import seeding

    call_command("migrate", interactive=False, verbosity=0)
    size = seeding.ForumSize(args.users, args.threads, args.posts)
    # Each run adds its replies, so the next run seeds again (about 10 s): every run starts from the same thread.
    seeding.ensure_forum(size)
    forget_untold()
    thread, viewer, posters = pick_thread_and_posters(args.posters)
    cookie = forum_bench.browser_cookies(viewer)
    poster_cookies = [poster_cookie(user) for user in posters]
    post_ids = list(thread.posts.order_by("floor").values_list("pk", flat=True))  # what the likes go to
    print(
        f"Hot thread #{thread.pk} in {thread.board.name}: {thread.reply_count + 1} posts. Readers signed in "
        f"as {viewer.username}; replies from {len(posters)} accounts."
    )
    connection.close()  # the script's own connection stays out of the measurement

    floor = Page("floor", "/bench/floor/", False)
    readers = [
        Page("thread, anonymous", thread.get_absolute_url(), False),
        Page("thread, signed in", thread.get_absolute_url(), True),
    ]
    steps = []
    with (
        forum_bench.gunicorn(args, aliases=len(forum_bench.LOOPBACK_ALIASES)) as (base_url, master_pid),
        celery_worker() as worker_pid,
        forum_bench.CpuMeter(master_pid) as cpu,
    ):
        readers_url = Addresses(base_url)
        forum_bench.fetch(base_url + readers[1].path, cookie)
        floor_first = measure_reads(wrk, args, cpu, readers_url.next(), floor, None)
        for rate in args.rates:
            for page in readers:
                replies = Replies(base_url, thread.pk, poster_cookies, rate)
                likes = Likes(base_url, post_ids, poster_cookies, args.likes if rate else 0)
                with replies.running(), likes.running():
                    time.sleep(args.warmup)
                    replies.measuring = likes.measuring = True
                    worker_before = process_tree_seconds(worker_pid)
                    result = measure_reads(wrk, args, cpu, readers_url.next(), page, cookie if page.signed_in else None)
                    worker_ms = (process_tree_seconds(worker_pid) - worker_before) * 1000
                    replies.measuring = likes.measuring = False
                steps.append(Step(rate, page, result, replies, worker_ms, likes))
                print(
                    f"  {rate:4g} replies/s  {page.kind:<18} {result.requests_per_s:8.1f} req/s, "
                    f"replies {len(replies.accepted)} accepted / {replies.refused} refused"
                    + (f", likes {len(likes.accepted)} / {likes.refused}" if likes.rate else "")
                )
        floor_last = measure_reads(wrk, args, cpu, readers_url.next(), floor, None)
        time.sleep(3)  # the last replies' jobs reach the worker before it stops
        waiting = jobs_waiting()
    print_report(args, size, steps, floor_first, floor_last)
    print(f"Jobs still in the outbox at the end: {waiting} (the beat relays any the web process could not send).")
    return 0


def jobs_waiting() -> int:
    from django.db import connection

    from outbox import relay

    try:
        return relay.waiting_count()
    finally:
        connection.close()


def pick_thread_and_posters(count: int):
    """The announcements board's longest open thread (the one every fan reads at 17:00), the reader,
    and ``count`` fans to reply (plain fans, not the reader, with a verified-looking history)."""
    from accounts.models import User
    from bench.seeding import VIEWER_USERNAME
    from forum.models import Thread

    threads = Thread.objects.filter(hidden=False, locked=False).select_related("board")
    thread = (
        threads.filter(board__slug="announcements").order_by("-reply_count", "id").first()
        or threads.order_by("-reply_count", "id").first()
    )
    viewer = User.objects.get(username=VIEWER_USERNAME)
    posters = list(
        User.objects.filter(is_active=True, is_staff=False, groups__name="Fan")
        .exclude(pk=viewer.pk)
        .exclude(groups__name__in=["Admin", "Moderator"])
        .order_by("id")
        .distinct()[:count]
    )
    if len(posters) < count:
        raise BenchRefused(f"only {len(posters)} plain fans to reply; seed more --users or ask fewer --posters")
    return thread, viewer, posters


@dataclass
class PosterCookie:
    header: str
    csrf_token: str


def poster_cookie(user) -> PosterCookie:
    """What a fan's browser sends with the reply form: the session and CSRF cookies, and the form's token
    (masked, as {% csrf_token %} writes it)."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    header = f"{settings.SESSION_COOKIE_NAME}={forum_bench.session_for(user)}; {settings.CSRF_COOKIE_NAME}={secret}"
    return PosterCookie(header, _mask_cipher_secret(secret))


REPLY_NUMBERS = itertools.count()
LIKE_NUMBERS = itertools.count()


class Replies:
    """Replies POSTed to the thread's reply form at a steady rate (open loop: each is sent at its own
    moment, whatever the earlier ones are doing), each from the next account in turn."""

    numbers = REPLY_NUMBERS

    def __init__(self, base_url: str, thread_id: int, cookies: list[PosterCookie], rate: float):
        self.port = urllib.parse.urlsplit(base_url).port
        self.path = reply_path(thread_id)
        self.cookies, self.rate = cookies, rate
        self.measuring = False
        self.accepted: list[float] = []  # ms, of the replies sent while measuring
        self.refused = 0
        self.refusals: dict[int, int] = {}
        self.local = threading.local()
        self.stop = threading.Event()

    @contextlib.contextmanager
    def running(self):
        if not self.rate:
            yield self
            return
        pool = ThreadPoolExecutor(max_workers=48)
        scheduler = threading.Thread(target=self._schedule, args=(pool,), daemon=True)
        scheduler.start()
        try:
            yield self
        finally:
            self.stop.set()
            scheduler.join()
            pool.shutdown(wait=True)

    def _schedule(self, pool):
        started, sent = time.monotonic(), 0
        while not self.stop.is_set():
            due = started + sent / self.rate
            if (wait := due - time.monotonic()) > 0:
                self.stop.wait(wait)
                continue
            # Numbered across steps, so the accounts keep their turns from one step to the next.
            pool.submit(self._send, next(self.numbers))
            sent += 1

    def _form(self, number: int, cookie: PosterCookie) -> tuple[str, dict]:
        """The path and fields of POST number ``number``."""
        return self.path, {
            "csrfmiddlewaretoken": cookie.csrf_token,
            "source": f"Reply {number} at {time.time():.6f}: 升级后续航怎么样？ #{os.getpid()}",
        }

    def _send(self, number: int):
        cookie = self.cookies[number % len(self.cookies)]
        path, fields = self._form(number, cookie)
        body = urllib.parse.urlencode(fields)
        if not hasattr(self.local, "connection"):
            self.local.connection = HTTPConnection(HOST, self.port, timeout=10)
        measuring = self.measuring
        started = time.monotonic()
        try:
            self.local.connection.request(
                "POST",
                path,
                body=body,
                headers={"Cookie": cookie.header, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = self.local.connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            self.local.connection.close()  # sync workers close the connection: open a new one next time
            del self.local.connection
            status = 0
        elapsed_ms = (time.monotonic() - started) * 1000
        if status and response.will_close:
            self.local.connection.close()
            del self.local.connection
        if not measuring:
            return
        if status == 302:
            self.accepted.append(elapsed_ms)
        else:
            self.refused += 1
            reason = status or "no answer in 10 s"
            self.refusals[reason] = self.refusals.get(reason, 0) + 1


class Likes(Replies):
    """Likes (and, a fan's second tap on the same post, unlikes) POSTed as the like button sends them: half
    on the thread's first post (the announcement), half on any of its posts, each from the next account."""

    numbers = LIKE_NUMBERS

    def __init__(self, base_url: str, post_ids: list[int], cookies: list[PosterCookie], rate: float):
        super().__init__(base_url, 0, cookies, rate)
        self.post_ids = post_ids
        self.random = random.Random(7)

    def _form(self, number: int, cookie: PosterCookie) -> tuple[str, dict]:
        post_id = self.post_ids[0] if number % 2 else self.random.choice(self.post_ids)
        return self.like_request(post_id, cookie.csrf_token)

    @staticmethod
    def like_request(post_id: int, csrf_token: str) -> tuple[str, dict]:
        """The path and form of a tap on a post's like button (bench/reply_cost.py sends it too)."""
        from django.urls import reverse

        return reverse("forum:like", args=[post_id]), {"csrfmiddlewaretoken": csrf_token}


def forget_untold() -> None:
    """Drop the notification work an earlier run left on a reused database (bench/reply_cost.py runs its
    jobs in-process and leaves the last re-queue in a queue of its own): a telling row no job of this run
    will take would hold this run's replies untold, and the worker idle, until the beat finds the row
    stale a minute later; a run would then measure readers beside a worker with nothing to do."""
    from forum.models import ThreadTelling, UntoldLike, UntoldReply

    for model in (UntoldReply, UntoldLike, ThreadTelling):
        model.objects.all().delete()


def reply_path(thread_id: int) -> str:
    from django.urls import reverse

    return reverse("forum:reply", args=[thread_id])


@dataclass
class Step:
    rate: float
    page: Page
    result: forum_bench.Result
    replies: Replies
    worker_ms: float
    likes: Replies | None = None
    notes: list = field(default_factory=list)


class Addresses:
    """Each step's reads go to the next loopback address (gunicorn listens on all of them, same port).

    Sync workers close every connection, so each read is a new connection and
    leaves one in TIME_WAIT for 60 s; at 1 500 reads/s the 28 000 ephemeral
    ports of one client-server address pair come round again within 20 s, and
    a new connection that lands on a port still in TIME_WAIT waits a second
    for its SYN to be sent again. Measured on one address, the last steps of
    a run showed that second as their p99 (937 ms at 30 replies/s signed in,
    against 35 ms a step earlier on a fresh pair). A deployment behind nginx
    on a Unix socket has no such limit; the replies keep 127.0.0.1.
    """

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        self.urls = [f"{parts.scheme}://{alias}:{parts.port}" for alias in forum_bench.LOOPBACK_ALIASES]
        self.used = 0

    def next(self) -> str:
        url = self.urls[self.used % len(self.urls)]
        self.used += 1
        return url


def measure_reads(wrk, args, cpu, base_url, page, cookie):
    url = base_url + page.path
    if args.warmup and page.kind == "floor":
        forum_bench.run_wrk(wrk, args, url, cookie, args.warmup)
    result = cpu.measure(lambda: forum_bench.run_wrk(wrk, args, url, cookie, args.duration))
    result.page = page
    return result


@contextlib.contextmanager
def celery_worker():
    """A Celery worker with its beat (which relays jobs the web process left in the outbox), on the
    benchmark's Redis and queue, until the block ends."""
    directory = tempfile.mkdtemp(prefix="canyu-storm-beat-")
    schedule = Path(directory) / "schedule"
    # Open while the worker writes to it: closed in the finally below.
    log = tempfile.NamedTemporaryFile(prefix="canyu-storm-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(REPO_DIR / ".venv/bin/celery"),
            "-A",
            "canyu",
            "worker",
            "--beat",
            "--schedule",
            str(schedule),
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--queues",
            os.environ["CELERY_QUEUE"],
            "--loglevel",
            "WARNING",
        ],
        cwd=REPO_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=dict(os.environ),
    )
    try:
        time.sleep(3)  # it connects to Redis and forks its pool
        if process.poll() is not None:
            raise BenchRefused(f"the Celery worker exited:\n{Path(log.name).read_text()[-3000:]}")
        yield process.pid
    finally:
        if process.poll() is None:
            # SIGTERM to the worker alone: a warm shutdown, finishing the job its pool is running (the
            # whole group at once would kill the pool mid-job). The group only if it takes too long.
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        shutil.rmtree(directory, ignore_errors=True)
        complaints = [
            line
            for line in Path(log.name).read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        if complaints:
            print(f"WARNING: the Celery worker logged errors, see {log.name}:\n  " + "\n  ".join(complaints[:5]))
        else:
            os.unlink(log.name)


def process_tree_seconds(root: int) -> float:
    """CPU seconds of a process and its children (the worker and its pool)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_report(args, size, steps, floor_first, floor_last) -> None:
    floor_rps = (floor_first.requests_per_s + floor_last.requests_per_s) / 2
    print()
    print(
        f"Canyu storm benchmark: {size}; gunicorn sync, {args.workers} workers; wrk {args.connections} "
        f"connections, {args.duration} s per step after {args.warmup} s; replies from {args.posters} accounts; "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'replies/s':>9} {'readers':<10} {'req/s':>8} {'p99 ms':>7} {'× floor':>7} {'× rest':>6} "
        f"{'CPU ms/read':>11} {'replies':>7} {'p50 ms':>7} {'p99 ms':>7} {'refused':>7} {'worker ms':>9}  target"
    )
    print(header)
    print("-" * len(header))
    at_rest = {step.page.kind: step.result.requests_per_s for step in steps if step.rate == 0}
    for step in steps:
        result, replies = step.result, step.replies
        rest = at_rest.get(step.page.kind)
        keeps = result.requests_per_s / rest if rest else float("nan")
        refused = f"{replies.refused}" + (f" {replies.refusals}" if replies.refusals else "")
        print(
            f"{step.rate:9g} {step.page.kind.split(', ')[1]:<10} {result.requests_per_s:8.1f} "
            f"{result.p99_ms:7.1f} {result.requests_per_s / floor_rps:7.2f} {keeps:6.2f} "
            f"{result.app_cpu_ms:5.2f}+{result.db_cpu_ms:4.2f} {len(replies.accepted):>7} "
            f"{percentile(replies.accepted, 0.5):7.1f} {percentile(replies.accepted, 0.99):7.1f} {refused:>7} "
            f"{step.worker_ms:9.0f}  {verdict(step, keeps)}"
        )
    print(
        f"floor: {floor_first.requests_per_s:.1f} req/s first, {floor_last.requests_per_s:.1f} last; "
        f"× floor is over their mean, {floor_rps:.1f}; × rest over the same readers with no replies."
    )
    drift = abs(floor_last.requests_per_s - floor_first.requests_per_s) / floor_rps
    if drift > 0.10:
        print("The floor moved by more than 10 % during the run: the machine was busy, compare with care.")
    print(
        "CPU ms/read: gunicorn workers + their PostgreSQL backends over the reads, the replies' own work "
        "included; worker ms: the Celery worker's CPU during the step."
    )
    if args.likes:
        print(f"likes: {args.likes:g}/s during every step with replies, half on the thread's first post:")
        for step in steps:
            if step.likes and step.likes.rate:
                answered = step.likes.accepted
                print(
                    f"  {step.rate:4g} replies/s, {step.page.kind}: {len(answered)} likes answered, "
                    f"p50 {percentile(answered, 0.5):.1f} ms, p99 {percentile(answered, 0.99):.1f} ms, "
                    f"refused {step.likes.refused}"
                )
    forum_bench.warn_about_errors([step.result for step in steps] + [floor_first, floor_last])


def verdict(step: Step, keeps: float) -> str:
    if step.rate < 30:
        return ""
    replies_ok = percentile(step.replies.accepted, 0.99) < REPLY_P99_MS and not step.replies.refused
    if step.page.signed_in:
        share, p99 = SIGNED_IN_KEEPS, SIGNED_IN_P99_MS
    else:
        share, p99 = ANONYMOUS_KEEPS, ANONYMOUS_P99_MS
    ok = keeps >= share and step.result.p99_ms < p99
    return (
        f"{'PASS' if ok and replies_ok else 'FAIL'} ≥{share:.2f} of rest & p99<{p99}ms "
        f"{'ok' if ok else 'no'}, replies p99<{REPLY_P99_MS}ms {'ok' if replies_ok else 'no'}"
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchRefused as refusal:
        print(f"storm_bench: {refusal}", file=sys.stderr)
        sys.exit(1)
