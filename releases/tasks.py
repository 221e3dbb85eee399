"""Celery tasks: ids in, one process function called. Delivery settings (acks_late,
reject on worker lost) are in canyu/celery.py; the database makes each task safe to repeat."""

from celery import shared_task

from releases import publishing
from releases.models import Release


@shared_task
def publish_due_releases() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE)."""
    return publishing.publish_due_releases()


@shared_task
def publish_release(release_id: int) -> bool:
    """Publish one release if it is due; True only for the one call that published it."""
    release = Release.objects.filter(pk=release_id).first()
    return release is not None and publishing.publish_release(release=release)


@shared_task
def notify_followers(release_id: int) -> int:
    return publishing.notify_followers(release_id=release_id)
