"""Celery tasks of meetups: one process function called, safe to repeat."""

from celery import shared_task

from meetups import photos, reminders, rsvps


@shared_task
def remind_due_meetups() -> int:
    """Every ten minutes (CELERY_BEAT_SCHEDULE): meetups starting within a day are reminded, each once;
    meetups that have ended get their photo thread, each once."""
    reminded = reminders.remind_due_meetups()
    photos.open_due_photo_threads()
    return reminded


@shared_task
def recount_seats() -> int:
    """Daily: seats_taken rebuilt from the RSVP rows."""
    return rsvps.recount_seats()
