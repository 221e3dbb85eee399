"""Celery tasks of polls: ids in, one process function called, safe to repeat."""

from celery import shared_task

from polls import polling


@shared_task
def close_due_polls() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): polls whose time is up close, each once."""
    return polling.close_due_polls()


@shared_task
def notify_poll_result(poll_id: int, closer_id: int | None = None) -> int:
    return polling.notify_poll_result(poll_id=poll_id, closer_id=closer_id)
