"""`make run`'s processes turn the weekly loop by themselves (canyu/management/commands/serve.py).

The real thing, as a newcomer gets it: a fresh embedded set-up (SQLite under a
var directory of its own, no Redis), the demo seeded, its next release moved
to be due in two seconds, then `manage.py serve`: the minute's beat tick must
publish it through the worker, post the announcement and tell the followers,
while the site answers; SIGINT must stop every process it started.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The beat ticks at second 0 of each minute: at worst a minute and the worker's start.
PUBLISH_SECONDS = 120

pytestmark = [
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="the embedded set-up's loop is tested once, in the embedded pass (it uses no service)",
    ),
    pytest.mark.slow,  # up to a minute: waits for the beat's tick at second 0
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_serve_publishes_a_due_release_tells_followers_and_stops_everything_on_ctrl_c(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env["CANYU_VAR_DIR"] = str(tmp_path)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    release_id = int(
        _manage(
            env,
            "shell",
            "-c",
            (
                "from datetime import timedelta; from django.utils import timezone; "
                "from releases.models import Release; "
                "r = Release.objects.get(state='scheduled'); "
                "Release.objects.filter(pk=r.pk).update(publish_at=timezone.now() + timedelta(seconds=2)); print(r.pk)"
            ),
        ).split()[-1]
    )
    database = sqlite3.connect(tmp_path / "canyu.sqlite3", timeout=20)

    def release_state() -> str:
        return database.execute("SELECT state FROM releases_release WHERE id = ?", [release_id]).fetchone()[0]

    def release_notifications() -> int:
        return database.execute(
            "SELECT count(*) FROM notifications_notification n JOIN accounts_user u ON u.id = n.recipient_id "
            "WHERE u.username = 'fan' AND n.kind = 'release'"
        ).fetchone()[0]

    told_before = release_notifications()
    assert release_state() == "scheduled"

    port = _free_port()
    log = tmp_path / "serve.log"  # what the web server, the worker and beat said: read it when this fails
    with log.open("w") as output:  # serve has its own copy of the file
        serve = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + PUBLISH_SECONDS
        while (
            time.monotonic() < deadline
            and serve.poll() is None
            and not (release_state() == "published" and release_notifications() > told_before)
        ):
            time.sleep(1)
        assert release_state() == "published", f"serve's exit code: {serve.poll()}; its output: {log}"
        assert release_notifications() == told_before + 1  # the fan follows the product (releases.demo)
        announcement = database.execute(
            "SELECT announcement_id FROM releases_release WHERE id = ?", [release_id]
        ).fetchone()[0]
        assert announcement is not None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/t/{announcement}/", timeout=10) as response:
            assert response.status == 200
        assert _processes_mentioning(str(tmp_path / "celerybeat-schedule"))  # the worker and its beat run
    finally:
        serve.send_signal(2)  # SIGINT, as Ctrl-C in a terminal
        serve.wait(timeout=30)
        database.close()
    assert serve.returncode == 0
    assert _processes_mentioning(str(tmp_path / "celerybeat-schedule")) == []
    assert _processes_mentioning(f"runserver 127.0.0.1:{port}") == []
