"""Thread view counts without a database write, or a Redis round trip, per page view.

A view is counted in this process's memory. With Redis, each process hands
what it counted to Redis at most once every ``FORUM_VIEW_HOLD_SECONDS`` (1 s:
one pipelined HINCRBY per thread, on the first view after that time, and at
exit), and a Celery beat task moves the counts from Redis into
Thread.view_count in batches. One round trip fewer on every page view (a
signed-in thread page served from its shell makes three: session, user,
shell); at 1M daily readers it also spares Redis a write per view. The hash is
renamed before it is read, so views counted during a flush land in the next
one; a flush that dies between its UPDATE and clearing the claim re-applies
that batch (view counts are approximate; this is the only way one is counted
twice). A process killed outright loses at most its last second of views; one
that stops getting thread pages keeps its last views until its next thread page
or its exit. Without Redis (the embedded set-up) the counts wait in this
process's memory and are flushed to the database at most once a minute by the
next request.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, When
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from canyu import outages
from forum.models import Thread

logger = logging.getLogger(__name__)

REDIS_KEY = "canyu:forum:views"
MEMORY_FLUSH_SECONDS = 60
FLUSH_BATCH = 500

_memory: Counter[int] = Counter()  # thread id: views not yet handed on
_memory_lock = threading.Lock()
_memory_since = time.monotonic()


def _redis():
    return get_redis_connection("default")


def _uses_redis() -> bool:
    return bool(settings.REDIS_URL)


def record_view(thread_id: int) -> None:
    with _memory_lock:
        _memory[thread_id] += 1
        held = time.monotonic() - _memory_since
    if _uses_redis():
        if held >= settings.FORUM_VIEW_HOLD_SECONDS:
            hand_over()
    elif held >= MEMORY_FLUSH_SECONDS:
        with outages.skipped_when_read_only("adding thread views"):  # a few views lost, not the page
            flush_views()


def _take_memory() -> dict[int, int]:
    global _memory_since
    with _memory_lock:
        taken = dict(_memory)
        _memory.clear()
        _memory_since = time.monotonic()
    return taken


def hand_over() -> None:
    """Add the views this process counted to Redis's (one round trip); kept for the next try if Redis fails."""
    taken = _take_memory()
    if not taken:
        return
    try:
        pipeline = _redis().pipeline(transaction=False)
        for thread_id, views in taken.items():
            pipeline.hincrby(REDIS_KEY, thread_id, views)
        pipeline.execute()
    except Exception:  # noqa: BLE001 - a view count is not worth failing a page for
        with _memory_lock:
            _memory.update(taken)


@atexit.register
def _hand_over_at_exit() -> None:
    if _uses_redis():
        hand_over()


def _take_pending() -> dict[int, int]:
    if _uses_redis():
        claimed = f"{REDIS_KEY}:flushing"
        try:
            client = _redis()
            # A flush that died before clearing its claim left it behind:
            # that batch goes first (at worst counted twice, never lost).
            if not client.exists(claimed):
                if not client.exists(REDIS_KEY):
                    return {}
                client.rename(REDIS_KEY, claimed)
            pending = client.hgetall(claimed)
        except RedisError:
            logger.warning("view counts not flushed: Redis unavailable")
            return {}
        return {int(k): int(v) for k, v in pending.items()}
    return _take_memory()


def _release_pending() -> None:
    if _uses_redis():
        _redis().delete(f"{REDIS_KEY}:flushing")


def flush_views() -> int:
    """Add the counted views to the threads (this process's own first); returns how many views were written."""
    if _uses_redis():
        hand_over()
    pending = _take_pending()
    if not pending:
        return 0
    ids = sorted(pending)
    with transaction.atomic(durable=True):
        for start in range(0, len(ids), FLUSH_BATCH):
            batch = ids[start : start + FLUSH_BATCH]
            Thread.objects.filter(pk__in=batch).update(
                view_count=F("view_count") + Case(*[When(pk=pk, then=pending[pk]) for pk in batch], default=0)
            )
    _release_pending()  # only once the counts are committed
    return sum(pending.values())
