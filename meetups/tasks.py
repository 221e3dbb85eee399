"""Celery tasks of meetups: one process function called, safe to repeat."""

from celery import shared_task

from meetups import reminders, rsvps


@shared_task
def remind_due_meetups() -> int:
    """Every ten minutes (CELERY_BEAT_SCHEDULE): meetups starting within a day are reminded, each once."""
    return reminders.remind_due_meetups()


@shared_task
def recount_seats() -> int:
    """Daily: seats_taken rebuilt from the RSVP rows."""
    return rsvps.recount_seats()
