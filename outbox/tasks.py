from celery import shared_task

from outbox import relay


@shared_task
def relay_waiting_jobs() -> int:
    """Every 15 seconds (CELERY_BEAT_SCHEDULE): send the jobs left behind."""
    return relay.relay_waiting_jobs()

