"""Celery tasks of ideas: ids in, one process function called. Each is safe to repeat (see ideas.statuses)."""

from celery import shared_task

from ideas import statuses, trending, voting


@shared_task
def ship_released_ideas() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): releases does not import ideas, so ideas looks."""
    return statuses.ship_released_ideas()


@shared_task
def notify_status_change(change_id: int, recipient_ids: list[int] | None = None) -> int:
    return statuses.notify_status_change(change_id=change_id, recipient_ids=recipient_ids)


@shared_task
def recount_votes() -> int:
    """Daily: vote counts rebuilt from the rows, should anything have drifted."""
    return voting.recount_votes()


@shared_task
def refresh_trending() -> int:
    """Every ideas.trending.REFRESH_MINUTES minutes: trending scores decayed from the recent votes."""
    return trending.refresh_trending()
