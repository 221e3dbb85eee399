"""Search queries on a read replica (DATABASE_REPLICA_URL), and the searcher's own writes on the primary.

``SearchRouter`` (DATABASE_ROUTERS) sends reads of this app's models (the
index) to the alias named by SEARCH_REPLICA_ALIAS ("replica" when
DATABASE_REPLICA_URL is set, else none: everything on "default"), except:

- inside a transaction on the primary (a process that wrote the index reads
  its own writes);
- for a visitor who wrote something a moment ago: ``PrimaryAfterWriteMiddleware``
  sets a short cookie (SEARCH_PRIMARY_AFTER_WRITE seconds) on the answer to
  any POST that succeeded (a post, an edit, a hide, a move), and while a
  request carries it, its searches read the primary. So a fan who has just
  posted finds their post, even if the replica is some seconds behind.

Writes always go to the primary; nothing is migrated on the replica (it is a
copy of the primary, made by PostgreSQL's streaming replication).

What a lagging replica may still answer is checked on the primary before it is
shown: the search page reads the posts, their threads' boards and hidden flags,
changelog items' releases and people's accounts there (community.search_page),
so a thread hidden or moved a second ago is not shown from a replica that has
not seen it yet; only the count may include it until the replica catches up.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

COOKIE = "search_primary"
_primary: ContextVar[bool] = ContextVar("search_primary", default=False)


def replica_alias() -> str | None:
    alias = settings.SEARCH_REPLICA_ALIAS
    return alias if alias and alias in connections.settings else None


class SearchRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label != "search":
            return None
        alias = replica_alias()
        if alias is None or _primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS if model._meta.app_label == "search" else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, **hints):
        return False if db == replica_alias() else None


class PrimaryAfterWriteMiddleware:
    """Read-your-writes: a visitor's searches read the primary for a while after they wrote anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _primary.set(COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _primary.reset(token)
        if request.method == "POST" and response.status_code < 400 and replica_alias():
            response.set_cookie(
                COOKIE,
                "1",
                max_age=settings.SEARCH_PRIMARY_AFTER_WRITE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
