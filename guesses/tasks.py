"""Celery tasks of guess the product: one process function called, safe to repeat."""

from celery import shared_task

from guesses import honours, revealing


@shared_task
def reveal_due_teasers() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): closed teasers have their answer revealed, each once; then
    the right guessers get their points, in batches."""
    revealed = revealing.reveal_due_teasers()
    honours.honour_right_guessers()
    return revealed
