"""PostgreSQL down, restarting or read-only: a 503 that says so and when to retry, never a 500.

What a visitor sees (templates/503.html, rendered without the database or the cache):

- the database does not answer (refused, terminated, "the database system is starting up" or
  "shutting down": Django's ``OperationalError`` and ``InterfaceError``): "try again in a moment";
- the database is read-only (SQLSTATE 25006, what a fail-over looks like while the new primary is
  promoted): "the site is read-only for a moment"; reading keeps working, every write answers this;
- a transaction rolled back for others' sake (a deadlock, a serialization failure), or a prepared
  statement whose plan a migration made stale: "try again in a moment", and trying again works.

Both carry ``Retry-After: OUTAGE_RETRY_AFTER_SECONDS``. ``OutageMiddleware`` answers for errors raised
in views; ``server_error`` (handler500) for those raised in middleware (a session or
user lookup). The writes a page makes on the side while being read (the day a user was active, how
far they read a thread, a session changed by a GET: ``SessionMiddleware``) go through
``skipped_when_read_only``: skipped, and logged once a minute.

A connection that failed is not reused: one the server ended is closed here (Django's
``conn_health_checks`` would also replace it at the start of the next request); one that answered
"read-only" is closed too, because after a fail-over the server behind it stays a read-only standby while the next
connection reaches the new primary.
"""

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from canyu import errorpages

logger = logging.getLogger(__name__)

READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction
# Connection exceptions (08), insufficient resources (53: too many connections, disk full), the server
# shutting down, crashed or starting up (57P01-57P05), and a transaction rolled back for others' sake
# (40: a deadlock broken, a serialization failure): nothing was written, and trying again works.
OUTAGE_SQLSTATE_CLASSES = ("08", "40", "53", "57P")
# A prepared statement (DB_PREPARE_THRESHOLD) whose plan a schema change made stale, a migration run while
# the site serves: PostgreSQL refuses that run of it, psycopg forgets it, and the next run plans it again.
STALE_PLAN_SQLSTATE = "0A000"
STALE_PLAN_MESSAGE = "cached plan must not change result type"
# SQLite: busy, locked, read-only, I/O error, disk full, cannot open the file.
SQLITE_OUTAGE_CODES = {5, 6, 8, 10, 13, 14}
LOG_EVERY_SECONDS = 60
_last_logged: dict[str, float] = {}


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def is_read_only(error: BaseException) -> bool:
    """Whether the database refused a write because it is read-only (psycopg's ``sqlstate``)."""
    return any(getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE for cause in _causes(error))


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database is unreachable, restarting, overloaded or read-only, rather
    than that our SQL is wrong (a missing table is a bug: it stays a 500)."""
    if isinstance(error, InterfaceError):  # the connection is gone
        return True
    if not isinstance(error, DatabaseError):
        return False
    for cause in _causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        if sqlstate:  # PostgreSQL's answer
            return (
                sqlstate.startswith(OUTAGE_SQLSTATE_CLASSES) or sqlstate == READ_ONLY_SQLSTATE or is_stale_plan(cause)
            )
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in SQLITE_OUTAGE_CODES
    # No answer at all: the connection could not be made or was lost.
    return isinstance(error, OperationalError)


def _log_now_and_then(kind: str, message: str, *args) -> None:
    now = time.monotonic()
    if now - _last_logged.get(kind, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _last_logged[kind] = now
        # Two templates joined; the arguments are still formatted only if the record is emitted.
        logger.warning(message + " (this message at most once a minute)", *args)  # noqa: G003


def is_stale_plan(error: BaseException) -> bool:
    """Whether PostgreSQL refused a prepared statement whose plan a schema change made stale."""
    return any(
        getattr(cause, "sqlstate", None) == STALE_PLAN_SQLSTATE and STALE_PLAN_MESSAGE in str(cause)
        for cause in _causes(error)
    )


def close_after_request(alias: str = "default") -> None:
    """Close the connection at the end of this request (or now, outside a transaction), so the next
    request connects again: to a read-only server, to find the new primary after a fail-over; holding
    prepared statements a migration made stale, which psycopg would keep running (a new connection
    prepares them again)."""
    connection = connections[alias]
    if connection.in_atomic_block:
        connection.close_at = time.monotonic()  # request_finished closes it
    else:
        connection.close()


def reconnect_after_stale_plan(exception=None, **kwargs) -> None:
    """Celery's task_failure (connected in canyu.apps): a task refused a prepared statement a migration
    made stale. The worker's connection would keep running it until DB_CONN_MAX_AGE, so it is closed; the
    next task connects again, and the job's retry works."""
    if exception is not None and is_stale_plan(exception):
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()


def close_broken_connection(alias: str = "default") -> None:
    """Close a connection the server ended (terminated, restarted), so that nothing in this request or
    the next uses it. (Between requests, ``conn_health_checks`` does the same.)"""
    connection = connections[alias]
    if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
        connection.close()


@contextmanager
def skipped_when_read_only(what: str):
    """Run a write that reading a page makes on the side; while the database is read-only, skip it.

    Use it outside any transaction of the caller's (a failed statement would break that transaction).
    """
    try:
        yield
    except DatabaseError as error:
        if not is_read_only(error):
            raise
        _log_now_and_then(f"skip:{what}", "Database read-only: %s skipped", what)
        close_after_request()


def outage_response(request, error: BaseException):
    """The 503 page for ``error`` (which ``is_outage``), in the visitor's language, with Retry-After."""
    read_only = is_read_only(error)
    if read_only:
        _log_now_and_then("read-only", "Database read-only: writes answer 503 (%s)", error)
        close_after_request()
    elif is_stale_plan(error):
        _log_now_and_then("stale-plan", "Prepared statements made stale by a schema change: reconnecting (%s)", error)
        close_after_request()
    else:
        _log_now_and_then("down", "Database unavailable: requests answer 503 (%s)", error)
        close_broken_connection()
    retry_after = settings.OUTAGE_RETRY_AFTER_SECONDS
    response = errorpages.standalone_page(
        request, "503.html", status=503, context={"read_only": read_only, "retry_after": retry_after}
    )
    response["Retry-After"] = str(retry_after)
    return response


class OutageMiddleware:
    """Turns a database outage raised in a view into the 503 page (last in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return outage_response(request, exception)
        return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a page that only reads (GET, HEAD) is still shown when saving the session
    it changed fails because the database is read-only: that change is lost, the page is not. A write
    (a POST: signing in, posting) still answers the read-only 503."""

    def process_response(self, request, response):
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            return super().process_response(request, response)
        with skipped_when_read_only("saving a session changed while reading a page"):
            return super().process_response(request, response)
        return response


def server_error(request):
    """handler500; a database outage raised outside a view (a session or user lookup) answers 503."""
    error = sys.exc_info()[1]
    if error is not None and is_outage(error):
        return outage_response(request, error)
    return errorpages.standalone_page(request, "500.html", status=500)
