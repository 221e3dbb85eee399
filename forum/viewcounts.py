"""Thread view counts without a database write per page view.

A view is counted in Redis (one HINCRBY); a Celery beat task moves the
counts into Thread.view_count in batches. The hash is renamed before it is
read, so views counted during a flush land in the next one; a flush that
dies between its UPDATE and clearing the claim re-applies that batch (view
counts are approximate; this is the only way one is counted twice). Without Redis (the embedded set-up) the counts wait in this
process's memory and are flushed at most once a minute by the next request.
"""

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, When

from forum.models import Thread

logger = logging.getLogger(__name__)

REDIS_KEY = "canyu:forum:views"
MEMORY_FLUSH_SECONDS = 60
FLUSH_BATCH = 500

_memory = Counter()
_memory_lock = threading.Lock()
_memory_flushed_at = time.monotonic()


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _uses_redis() -> bool:
    return bool(settings.REDIS_URL)


def record_view(thread_id: int) -> None:
    if _uses_redis():
        try:
            _redis().hincrby(REDIS_KEY, thread_id, 1)
        except Exception:  # a view count is not worth failing a page for
            pass
        return
    with _memory_lock:
        _memory[thread_id] += 1
        due = time.monotonic() - _memory_flushed_at >= MEMORY_FLUSH_SECONDS
    if due:
        flush_views()


def _take_pending() -> dict[int, int]:
    global _memory_flushed_at
    if _uses_redis():
        from redis.exceptions import RedisError

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
    with _memory_lock:
        pending = dict(_memory)
        _memory.clear()
        _memory_flushed_at = time.monotonic()
    return pending


def _release_pending() -> None:
    if _uses_redis():
        _redis().delete(f"{REDIS_KEY}:flushing")


def flush_views() -> int:
    """Add the counted views to the threads; returns how many views were written."""
    pending = _take_pending()
    if not pending:
        return 0
    ids = sorted(pending)
    with transaction.atomic(durable=True):
        for start in range(0, len(ids), FLUSH_BATCH):
            batch = ids[start:start + FLUSH_BATCH]
            Thread.objects.filter(pk__in=batch).update(
                view_count=F("view_count") + Case(*[When(pk=pk, then=pending[pk]) for pk in batch], default=0)
            )
    _release_pending()  # only once the counts are committed
    return sum(pending.values())
