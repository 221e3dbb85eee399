"""canyu.postgresql: Django's health check before a request's first query, without a round trip while the
server is there, and still replacing a connection the server ended. On PostgreSQL."""

import time

import psycopg
import pytest
from django.db import connection
from django.test import Client

from canyu.postgresql.base import quiet
from forum.tests.factories import make_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL"),
]


def other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    return psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("cursor_factory", "prepare_threshold")}, autocommit=True
    )


def new_request() -> None:
    """What Django does when a request starts (request_started, which the test client does not send)."""
    connection.close_if_unusable_or_obsolete()


def end_from_the_server(pid: int) -> None:
    """pg_terminate_backend, as a restart or a fail-over ends connections, then wait for its goodbye to
    reach this side's socket."""
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while quiet(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_postgresql_runs_through_the_backend_with_the_cheap_health_check():
    assert connection.settings_dict["ENGINE"] == "canyu.postgresql"
    assert connection.health_check_enabled


def test_the_check_sends_nothing_to_a_server_that_is_there():
    """Django's own check would run SELECT 1 here: the server would show it as the connection's last query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query before the check'")
    kept, pid = connection.connection, connection.connection.info.backend_pid
    new_request()
    with connection.cursor() as cursor:  # the request's first query: the check runs before it
        assert connection.health_check_done
        with other_connection() as other:
            last = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]
        cursor.execute("SELECT 1 + 1")
    assert last == "SELECT 'the last query before the check'"
    assert connection.connection is kept


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it():
    """The server's goodbye is on the socket: the check asks the server, finds it gone and connects again,
    so the page is served (test_outages: without the check, that request answers 503)."""
    thread = make_thread()
    client = Client()
    assert client.get(thread.get_absolute_url()).status_code == 200
    pid = connection.connection.info.backend_pid
    end_from_the_server(pid)
    assert not quiet(connection.connection)
    new_request()
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert connection.connection.info.backend_pid != pid


def test_a_closed_connection_is_not_quiet():
    with connection.cursor():
        pass
    raw = connection.connection
    assert quiet(raw)
    raw.close()
    assert not quiet(raw)
    connection.connection = None  # Django's wrapper forgets the closed one; the next query connects
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
