"""Generation tokens: how cached copies of what has no version column learn that it has changed.

Forum pages are kept under versions their writing transaction moves
(forum.pagecache); tokens are for what is not forum data: a user's row, a
poster's name, avatar and badge, a reader's roles and own state.

A copy (a page, a shell, a user's row) is stored with the token of what it
depends on, read *before* the data it copies. A change moves the token (a new
random one), now and again after commit (``now_and_after_commit``), so a copy
read from data the change has just replaced never matches: readers fetch the
token with the copy in one round trip and compare. A lost token only makes the
copies under it unreachable (a new one is drawn), never stale.
"""

import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

# Tokens outlive the copies stored under them.
SECONDS = 24 * 60 * 60


def _new_token() -> int:
    # An int: django-redis stores ints as they are and reads them back without unpickling.
    return secrets.randbits(48)


def current(key: str) -> int:
    """The token at ``key``, drawn if there is none."""
    token = cache.get(key)
    if token is None:
        token = _new_token()
        if not cache.add(key, token, SECONDS):
            token = cache.get(key) or token
    return token


def move(keys: Iterable[str]) -> None:
    """Give each key a new token (one round trip)."""
    tokens = {key: _new_token() for key in keys}
    if tokens:
        cache.set_many(tokens, SECONDS)


def now_and_after_commit(change: Callable[[], None]) -> None:
    """Run a cache invalidation now and again after commit.

    Now, so that the writer's own next request (and a test's, whose
    transaction never commits) sees the change; after commit too, because a
    reader copying between the first move and the commit stores the old data
    under the new token, and the second move makes that copy unreachable.
    """
    change()
    transaction.on_commit(change)
