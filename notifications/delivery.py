"""Creating notifications, once per recipient, and the unread count.

``notify`` is the one door every feature uses (releases, replies, mentions,
later ideas and awards). It writes one batch; a fan-out to many followers calls
it once per batch from a Celery task (see ``releases.publishing``). The unique
(recipient, key) constraint makes it safe to run again: a retried or redelivered
task inserts only the rows that are missing, so no one is told twice.
"""

from collections.abc import Iterable
from typing import cast

from django.core.cache import cache
from django.db import transaction

from notifications import emailing
from notifications.models import Notification

UNREAD_CACHE_SECONDS = 5 * 60


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    key: str,
    params: dict,
    url: str,
    group: str = "",
    actor_id: int | None = None,
) -> int:
    """Notify each recipient once about ``key``; returns how many ids were offered.

    ``group`` gathers notifications into one line of the page ("5 replies to …"):
    a kind and its object, like "reply:thread:17"; without one, the notification
    is a group of its own. ``actor_id`` is who did it (shown by name and avatar).

    Runs inside the caller's transaction if there is one (a reply notifies in
    the same commit as the post), else in its own.
    """
    ids = sorted(set(recipient_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # ignore_conflicts: rows that exist already (a retried batch) are skipped
        # by the database, atomically, whatever else runs at the same time.
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    key=key,
                    params=params,
                    url=url,
                    group=group or f"{kind}:{key}",
                    actor_id=actor_id,
                )
                for user_id in ids
            ],
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: cache.delete_many([unread_key(user_id) for user_id in ids]))
        emailing.queue_immediate_emails(kind=kind, key=key, recipient_ids=ids)
    return len(ids)


def unread_count(user) -> int:
    """The header's number: how many lines of the notifications page are unread
    (groups, not rows: five unread replies in one thread are one line, and 1).
    Cached per user, dropped whenever it changes."""
    if not user.is_authenticated:
        return 0
    # get_or_set gives what the callable returned, or the cached copy of it.
    return cast(
        int,
        cache.get_or_set(
            unread_key(user.pk),
            # On the partial index notifications_unread.
            lambda: (
                Notification.objects.filter(recipient=user, read_at__isnull=True).values("group").distinct().count()
            ),
            UNREAD_CACHE_SECONDS,
        ),
    )


def forget_unread_count(user_id: int) -> None:
    """Call after marking notifications read (after commit)."""
    cache.delete(unread_key(user_id))
