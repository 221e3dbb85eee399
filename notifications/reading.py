"""Marking notifications read.

Conditional UPDATEs (``read_at IS NULL``): a second tap, or two tabs, change
nothing, and the first read time is kept. The cached unread count is dropped
after the commit, so the header never shows a number from before it.
"""

from django.db import transaction
from django.utils import timezone

from notifications.delivery import forget_unread_count
from notifications.models import Notification


@transaction.atomic(durable=True)
def mark_notification_read(*, user, notification: Notification) -> bool:
    """Returns whether it was unread."""
    changed = Notification.objects.filter(pk=notification.pk, recipient=user, read_at=None).update(
        read_at=timezone.now()
    )
    if changed:
        transaction.on_commit(lambda: forget_unread_count(user.pk))
    return bool(changed)


@transaction.atomic(durable=True)
def mark_all_read(*, user) -> int:
    """Returns how many were unread. Served by the partial index notifications_unread."""
    changed = Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: forget_unread_count(user.pk))
    return changed
