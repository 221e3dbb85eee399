"""What /healthz reports: is each service we depend on answering?

Only states, never addresses or credentials.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from canyu import outages
from canyu.celery import app


def database_state() -> str:
    """ "ok", "read-only" (PostgreSQL refuses writes: a standby, or a fail-over under way) or "down"."""
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW transaction_read_only")
                read_only = cursor.fetchone()[0] == "on"
            else:
                cursor.execute("SELECT 1")
                read_only = False
                cursor.fetchone()
    except DatabaseError:
        return "down"
    if read_only:
        # The next check (or request) connects again: after a fail-over that reaches the new primary.
        outages.close_after_request()
        return "read-only"
    return "ok"


def cache_state() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - django-redis raises its own ConnectionInterrupted, redis its own errors
        return "down"
    return "ok" if ok else "down"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - kombu raises transport-specific errors
        return "down"
    return "ok"


def service_states() -> dict[str, str]:
    return {"database": database_state(), "cache": cache_state(), "broker": broker_state()}
