"""Celery tasks of engineering-sample programmes: ids in, one call, safe to repeat."""

from celery import shared_task

from samples import selecting


@shared_task
def tell_not_selected(programme_id: int) -> int:
    return selecting.tell_not_selected(programme_id=programme_id)
