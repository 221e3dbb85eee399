"""Django's PostgreSQL backend, with a health check that costs no round trip while the server is there.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` on a kept connection before the first query of each
request, so that a connection the server ended (a restart, a fail-over, ``pg_terminate_backend``) is
replaced instead of failing that request. On a forum page served from the cache that round trip is a
third of the database's work: the page's one query is the entry (forum.access).

A server that ends a connection says so on it: it sends the reason (a FATAL error) and closes the
socket. An idle connection has nothing else to read. So before the first query of a request we ask the
kernel, without waiting, whether the socket has anything to read: nothing means the server has not
ended the connection, and no statement is sent. Anything there (the goodbye, a notice) falls back to
Django's ``SELECT 1``, which decides. After a failed statement (``errors_occurred``) Django still checks
with ``SELECT 1`` (``is_usable``, unchanged): a server gone without a word is found there.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def quiet(connection) -> bool:
    """Whether an idle psycopg ``connection`` is open with nothing from the server waiting on its socket."""
    if connection.closed or connection.broken:
        return False
    poll = select.poll()
    try:
        poll.register(connection.fileno(), select.POLLIN)
    except (OSError, ValueError):  # no socket any more
        return False
    # POLLIN: something to read (the server's goodbye); POLLHUP, POLLERR: the socket ended.
    return not poll.poll(0)
