"""What a fully cold signed-in thread page costs: CPU ms of the process and of its PostgreSQL backend.

    .venv/bin/python bench/cold_render.py [--repeat 40 --profile]

In-process through Django's test client (no server), on the forum benchmark's
seeding (bench/seeding.py, in the storm benchmark's database by default), page
1 of a thread with 20 posts, signed in as the benchmark's fan. Before each
request the whole cache is emptied (the shell, the post fragments, the
session, the user, the reader's roles and state), so each request builds the
page's shell from the rows. Prints the median and quartiles of this process's
CPU ms and of its PostgreSQL backend's; ``--profile`` adds cProfile's top
functions over the requests.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import forum_bench
from bench.storm_bench import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args(argv)
    if not forum_bench.prepare_services(DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL):
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from bench import seeding

    call_command("migrate", interactive=False, verbosity=0)
    seeding.ensure_forum(seeding.ForumSize(1000, 2000, 40000))
    _, thread, viewer = forum_bench.pick_pages()
    path = thread.get_absolute_url()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    client = forum_bench.client_with(None)

    def request():
        client.force_login(viewer)  # a session, as a browser signed in holds it (not timed)
        cache.clear()  # then nothing kept: the session and the user are read from the database too
        return lambda: client.get(path)

    for _ in range(3):  # templates compiled, catalogues loaded, the code version computed
        response = request()()
    if response.status_code != 200 or viewer.shown_name.encode() not in response.content:
        raise forum_bench.BenchRefused(f"{path} answered {response.status_code}, or not signed in")
    profile = cProfile.Profile() if args.profile else None
    app, db = [], []
    for _ in range(args.repeat):
        get = request()
        db_before, app_before = backend_seconds(backend), time.process_time()
        if profile:
            profile.enable()
        get()
        if profile:
            profile.disable()
        app.append((time.process_time() - app_before) * 1000)
        db.append((backend_seconds(backend) - db_before) * 1000)
    print(
        f"Cold signed-in thread page {path} ({min(20, thread.reply_count + 1)} posts on page 1), "
        f"{args.repeat} requests, the cache emptied before each:"
    )
    quartiles = statistics.quantiles(app, n=4)
    # On a busy machine a request's CPU time grows with what shares its core (caches, SMT): the least is
    # the steadiest figure to compare between runs.
    print(
        f"  CPU ms of this process: least {min(app):.1f}, median {statistics.median(app):.1f} "
        f"(quartiles {quartiles[0]:.1f}–{quartiles[2]:.1f})"
    )
    # The kernel counts a backend's CPU in 10 ms ticks: only the mean over many requests means anything.
    print(f"  CPU ms of its PostgreSQL backend: mean {statistics.fmean(db):.1f}")
    if profile:
        print_profile(profile)
    return 0


def print_profile(profile: cProfile.Profile, lines: int = 45) -> None:
    """cProfile's top ``lines`` functions by cumulative time."""
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    print(out.getvalue())


def backend_seconds(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend on this machine (clock ticks of /proc: 10 ms each)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
