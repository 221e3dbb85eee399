"""Celery tasks of the four-cell report and the Popcorn Award: ids in, one process function called, safe to repeat."""

from celery import shared_task

from feedback import notices, reports, tally


@shared_task
def open_report_windows() -> int:
    """Every minute: windows of newly published weekly releases open (releases does not import feedback)."""
    return reports.open_windows()


@shared_task
def invite_voters(release_id: int) -> int:
    return notices.invite_voters(release_id=release_id)


@shared_task
def remind_reporters() -> int:
    """Every minute: the reminders due (Tuesday 10:00 Beijing time by default), each claimed once."""
    return notices.remind_due()


@shared_task
def send_reminders(release_id: int) -> int:
    return notices.send_reminders(release_id=release_id)


@shared_task
def freeze_closed_reports() -> int:
    """Every minute: results of closed windows frozen, Popcorn Awards granted, each once."""
    return tally.freeze_due()


@shared_task
def recount_anticipation() -> int:
    """Daily: Idea.anticipation_count rebuilt from the frozen tallies, should anything have drifted."""
    return tally.recount_anticipation()
