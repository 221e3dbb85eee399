"""Celery tasks of guess the product: one process function called, safe to repeat."""

from celery import shared_task

from guesses import revealing


@shared_task
def reveal_due_teasers() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): closed teasers have their answer revealed, each once."""
    return revealing.reveal_due_teasers()
