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
