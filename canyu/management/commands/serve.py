"""`manage.py serve`: the whole site on the embedded set-up, as `make run` starts it.

Three processes: Django's development server, one Celery worker and its beat,
so the weekly loop turns by itself with no service to install: a release
scheduled for a minute from now is published by the minute's tick, its
announcement posted and its followers told; polls close, report windows open
and freeze, the award is made, digests go out. With no REDIS_URL the worker
and the web process pass messages through files under var/celery (kombu's
filesystem transport, canyu/settings.py); with REDIS_URL they use Redis, as in
production. Tasks are queued, not run inside the request, in every process
this command starts (CELERY_TASK_ALWAYS_EAGER=0), as they are in production.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are
stopped too and the command exits with an error. The development server
reloads on code changes; the worker does not (restart `make run`).
Production runs gunicorn, a worker and one beat as services (deploy/).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and beat, so scheduled work runs (the embedded set-up)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Where the site listens.")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the web server on code changes.")

    def handle(self, *args, addrport: str, noreload: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("serve is for development; production runs gunicorn, a worker and beat (deploy/).")
        env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1"}
        schedule = settings.VAR_DIR / "celerybeat-schedule"
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            # Threads, not forked processes: one small process on a laptop; SQLite in WAL mode takes the writes.
            "worker": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "canyu",
                "worker",
                "--beat",
                "--schedule",
                str(schedule),
                "--pool",
                "threads",
                "--concurrency",
                "4",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            "web": [sys.executable, manage, "runserver", addrport] + (["--noreload"] if noreload else []),
        }
        children = {}
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name, command in commands.items():
                # Each child leads its own process group, so stopping it also stops what it started
                # (the development server's reloader runs the site in a child of its own).
                children[name] = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)
            self.stdout.write(f"Serving http://{addrport}/ with a worker and beat (Ctrl-C stops all).")
            failed = None
            while not stopping and failed is None:
                time.sleep(0.2)
                failed = next((name for name, child in children.items() if child.poll() is not None), None)
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None and not stopping:
            raise CommandError(
                f"The {failed} process stopped (exit code {children[failed].returncode}); the others were stopped too."
            )
        self.stdout.write("Stopped the site, the worker and beat.")

    def _stop(self, children: dict) -> None:
        for child in children.values():
            try:
                os.killpg(child.pid, signal.SIGTERM)  # the group: a child's own children too
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.wait()
