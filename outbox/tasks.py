from celery import shared_task

from outbox import mailing, relay


@shared_task
def relay_waiting_jobs() -> int:
    """Every 15 seconds (CELERY_BEAT_SCHEDULE): send the jobs left behind."""
    return relay.relay_waiting_jobs()


@shared_task
def deliver_mail(mail_id: int) -> str:
    """Queued by outbox.mailing.queue_mail; safe to run twice (the mail row is claimed)."""
    return mailing.deliver_mail(mail_id=mail_id)


@shared_task
def deliver_waiting_mail() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): the retries whose time has come."""
    return mailing.deliver_waiting_mail()


@shared_task
def forget_old_mail() -> int:
    """Daily (CELERY_BEAT_SCHEDULE)."""
    return mailing.forget_old_mail()
