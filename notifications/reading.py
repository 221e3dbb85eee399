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
def mark_group_read(*, user, notification: Notification) -> Notification:
    """Mark read the notification's whole group (a line of the page) up to it, and
    return the one to open: the group's first that was unread, else this one.

    Only up to it: a reply that arrived after the page was shown stays unread.
    """
    rows = Notification.objects.filter(recipient=user, group=notification.group, id__lte=notification.pk)
    first_unread = rows.filter(read_at=None).order_by("id").first()
    # Served by notifications_by_group; read_at IS NULL keeps the first read time.
    if rows.filter(read_at=None).update(read_at=timezone.now()):
        transaction.on_commit(lambda: forget_unread_count(user.pk))
    return first_unread or notification


@transaction.atomic(durable=True)
def mark_all_read(*, user) -> int:
    """Returns how many were unread. Served by the partial index notifications_unread."""
    changed = Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: forget_unread_count(user.pk))
    return changed
