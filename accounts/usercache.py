"""The signed-in user's row, kept in the cache: signed-in pages served from the cache touch no database.

Every signed-in request loads its user. From the database that is two round
trips on PostgreSQL (the connection's health check and the SELECT) and about a
third of what a signed-in thread page served from its shell costs the machine
(bench/forum_bench.py). Kept here, it is part of one cache round trip.

Freshness is by generation (canyu.generations): the row is kept with the
user's token, read before the row, and every change to a user row moves it, now
and after commit: ``User.save()`` and ``delete()`` through signals (accounts.apps),
``User.objects.….update()`` through the user queryset (accounts.models). A
change that bypasses both (raw SQL on the table) is seen within ``SECONDS``.

The password hash is not kept: the copy holds the session's HMAC of it instead
(what django.contrib.auth checks on every request), and ``password`` is a
deferred field that reads the database if something asks for it.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

from canyu import generations

SECONDS = 60 * 60
UNKEPT = frozenset({"password"})


def _generation_key(user_id: int) -> str:
    return f"accounts:user-gen:{user_id}"


def _row_key(user_id: int, names: tuple[str, ...]) -> str:
    return f"accounts:user:{_shape(names, settings.SECRET_KEY)}:{user_id}"


@functools.lru_cache(maxsize=8)
def _shape(names: tuple[str, ...], secret_key: str) -> str:
    # The columns: a migration that changes them never reads an old shape. The secret key: the kept
    # session hash is an HMAC under it, so a new key (with no fallback) signs everyone out, as without
    # the cache.
    return hashlib.blake2b("\0".join((*names, secret_key)).encode(), digest_size=6).hexdigest()


@functools.lru_cache(maxsize=8)
def _kept(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The names kept and their positions in a row."""
    positions = tuple(position for position, name in enumerate(names) if name not in UNKEPT)
    return tuple(names[position] for position in positions), positions


def load(user_id: int, names: tuple[str, ...], read: Callable[[], list | None], build: Callable):
    """The user with this id, as ``build(names, values)``: from the cache, or ``read()``'s row (values in
    ``names`` order, or None for nobody), kept for the next request without its unkept columns."""
    generation_key, row_key = _generation_key(user_id), _row_key(user_id, names)
    found = cache.get_many([generation_key, row_key])
    generation, kept = found.get(generation_key), found.get(row_key)
    kept_names, kept_positions = _kept(names)
    if generation is not None and kept is not None and kept[0] == generation:
        user = build(kept_names, kept[1])
        user._kept_session_auth_hash = kept[2]
        return user
    if generation is None:
        generation = generations.current(generation_key)
    # Either way read before the row: see canyu.generations.
    values = read()
    if values is None:
        return None
    user = build(names, values)
    row = tuple(values[position] for position in kept_positions)
    cache.set(row_key, (generation, row, user.get_session_auth_hash()), SECONDS)
    return user


def forget(user_ids: Iterable[int]) -> None:
    """The users' rows changed (or are about to, inside the caller's transaction): now and after commit."""
    keys = [_generation_key(user_id) for user_id in user_ids]
    if keys:
        generations.now_and_after_commit(lambda: generations.move(keys))


def forget_saved(sender, instance, **kwargs) -> None:
    """Signal receiver (User post_save, post_delete)."""
    forget([instance.pk])
