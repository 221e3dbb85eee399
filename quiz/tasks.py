"""Celery tasks of quizzes: one process function called, safe to repeat."""

from celery import shared_task

from quiz import freezing, honours


@shared_task
def freeze_due_quizzes() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): closed quizzes have their result frozen, each once; then
    their winners get their points (a freeze that committed but whose points did not is caught up)."""
    frozen = freezing.freeze_due_quizzes()
    honours.honour_winners()
    return frozen
