"""Celery tasks of quizzes: one process function called, safe to repeat."""

from celery import shared_task

from quiz import freezing


@shared_task
def freeze_due_quizzes() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): closed quizzes have their result frozen, each once."""
    return freezing.freeze_due_quizzes()
