import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from canyu.environment import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3Jq9-vT2xw8!zP0mN4rL7bY6cH1sF5dG8aE2uQ9oI3pK6jW0tR4yX7vB1nM5",
    "ALLOWED_HOSTS": "canyu.example.com",
    "DATABASE_URL": "postgres://canyu@127.0.0.1:5432/canyu",
}


def run_manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("off", False)])
def test_env_bool_reads_clear_values(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", default=not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", default=False)


def test_env_int_refuses_words_and_negatives(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example , b.example,,")
    assert env_list("X_LIST") == ["a.example", "b.example"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_cannot_be_on_in_production():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_an_empty_value_counts_as_unset(monkeypatch):
    from canyu.environment import env_str

    monkeypatch.setenv("X_PATH", "  ")
    assert env_str("X_PATH", "/default") == "/default"


@pytest.mark.parametrize("rate", ["10/x", "abc", "0/5s", "5"])
def test_a_malformed_rate_is_refused(monkeypatch, rate):
    from canyu.environment import env_rate

    monkeypatch.setenv("X_RATE", rate)
    with pytest.raises(ImproperlyConfigured):
        env_rate("X_RATE", "1/5s")


@pytest.mark.parametrize(
    ("threshold", "options"), [("", "{'server_side_binding': True, 'prepare_threshold': 5}"), ("0", "{}")]
)
def test_postgresql_statements_are_prepared_unless_turned_off(threshold, options):
    """DB_PREPARE_THRESHOLD=0 for a pooler in transaction mode that does not track prepared statements."""
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))",
        env={"DATABASE_URL": "postgres://canyu@127.0.0.1:5432/canyu", "DB_PREPARE_THRESHOLD": threshold},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == options


def test_postgresql_goes_through_canyus_backend_and_sqlite_through_djangos():
    """canyu.postgresql: Django's backend with a health check that costs no round trip (its tests run on
    PostgreSQL, canyu/tests/test_postgresql_backend.py)."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    postgresql = run_manage("shell", "-c", code, env={"DATABASE_URL": "postgres://canyu@127.0.0.1:5432/canyu"})
    assert postgresql.returncode == 0, postgresql.stderr
    assert postgresql.stdout.strip().splitlines()[-1] == "canyu.postgresql"
    sqlite = run_manage("shell", "-c", code, env={"DATABASE_URL": ""})
    assert sqlite.returncode == 0, sqlite.stderr
    assert sqlite.stdout.strip().splitlines()[-1] == "django.db.backends.sqlite3"
