"""Celery tasks: ids in, one process function called. Each is safe to repeat (see voting.statuses)."""

from celery import shared_task

from voting import ideavoting, statuses


@shared_task
def ship_released_ideas() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): releases does not import voting, so voting looks."""
    return statuses.ship_released_ideas()


@shared_task
def notify_status_change(change_id: int, recipient_ids: list[int] | None = None) -> int:
    return statuses.notify_status_change(change_id=change_id, recipient_ids=recipient_ids)


@shared_task
def recount_votes() -> int:
    """Daily: vote counts rebuilt from the rows, should anything have drifted."""
    return ideavoting.recount_votes()


@shared_task
def refresh_trending() -> int:
    """Every voting.trending.REFRESH_MINUTES minutes: trending scores decayed from the recent votes."""
    from voting import trending

    return trending.refresh_trending()


@shared_task
def close_due_polls() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): polls whose time is up close, each once."""
    from voting import polls

    return polls.close_due_polls()


@shared_task
def notify_poll_result(poll_id: int, closer_id: int | None = None) -> int:
    from voting import polls

    return polls.notify_poll_result(poll_id=poll_id, closer_id=closer_id)


# --- The four-cell report and the Popcorn Award ---------------------------------


@shared_task
def open_report_windows() -> int:
    """Every minute: windows of newly published weekly releases open (releases does not import voting)."""
    from voting import reports

    return reports.open_windows()


@shared_task
def invite_voters(release_id: int) -> int:
    from voting import report_notices

    return report_notices.invite_voters(release_id=release_id)


@shared_task
def remind_reporters() -> int:
    """Every minute: the reminders due (Tuesday 10:00 Beijing time by default), each claimed once."""
    from voting import report_notices

    return report_notices.remind_due()


@shared_task
def send_reminders(release_id: int) -> int:
    from voting import report_notices

    return report_notices.send_reminders(release_id=release_id)


@shared_task
def freeze_closed_reports() -> int:
    """Every minute: results of closed windows frozen, Popcorn Awards granted, each once."""
    from voting import tally

    return tally.freeze_due()


@shared_task
def recount_anticipation() -> int:
    """Daily: Idea.anticipation_count rebuilt from the frozen tallies, should anything have drifted."""
    from voting import tally

    return tally.recount_anticipation()
