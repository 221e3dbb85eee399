"""Creating notifications, once per recipient, and the unread count.

``notify`` is the one door every feature uses (releases, replies, mentions,
later ideas and awards). It writes one batch; a fan-out to many followers calls
it once per batch from a Celery task (see ``releases.publishing``). The unique
(recipient, key) constraint makes it safe to run again: a retried or redelivered
task inserts only the rows that are missing, so no one is told twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.core.cache import cache
from django.db import connections, router, transaction

from notifications import emailing
from notifications.models import Notification

UNREAD_CACHE_SECONDS = 5 * 60
# People a consolidated notification names (notifications.pages shows three).
PEOPLE_KEPT = 3


def _insert(template: Notification, recipient_ids: list[int]) -> None:
    """One notification like ``template`` for each recipient, those that exist skipped.

    On PostgreSQL one INSERT … SELECT over the recipients' ids as an array: the
    fields are sent once, not once a row. A reply to a Friday thread with 400
    followers built 400 model instances and sent 4 000 values through
    bulk_create, about two thirds of the worker's CPU for the reply's job
    (bench/README.md, "Storm benchmark"). Elsewhere, bulk_create.
    """
    connection = connections[router.db_for_write(Notification)]
    if connection.vendor != "postgresql":
        rows = [Notification(**{**_values(template), "recipient_id": user_id}) for user_id in recipient_ids]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return
    quote = connection.ops.quote_name
    fields = [field for field in Notification._meta.concrete_fields if field.attname in _values(template)]
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Notification._meta.db_table)} ({quote('recipient_id')}, {columns})"
            f" SELECT recipient, {', '.join(['%s'] * len(fields))} FROM unnest(%s::bigint[]) AS recipient"
            " ON CONFLICT DO NOTHING",
            [
                *(field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in fields),
                recipient_ids,
            ],
        )


def _values(template: Notification) -> dict:
    """The fields every row of a notify() call shares (all but the id and the recipient; created_at as its
    default gives it)."""
    return {
        field.attname: getattr(template, field.attname)
        for field in Notification._meta.concrete_fields
        if field.attname not in ("id", "recipient_id")
    }


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
    return notify_each(kind=kind, group=group, notices=[Notice(key, params, url, list(recipient_ids), actor_id)])


@dataclass(frozen=True)
class Notice:
    """One notification to several recipients, for ``notify_each``."""

    key: str
    params: dict
    url: str
    recipient_ids: list[int]
    actor_id: int | None = None
    # Its own line of the page, when the notices of one call are about different objects (the likes of
    # several posts: forum.notifying.notify_about_likes); else notify_each's ``group``.
    group: str = ""


def notify_each(*, kind: str, group: str, notices: list[Notice]) -> int:
    """``notify`` for several notices of one kind and group at once (the replies a thread's followers are
    told about together: forum.telling): one transaction, one INSERT each, one query for who wants mail and
    one round trip to the cache for the unread counts. Returns how many (recipient, notice) were offered."""
    notices = [notice for notice in notices if notice.recipient_ids]
    if not notices:
        return 0
    everyone: set[int] = set()
    with transaction.atomic():
        # Rows that exist already (a retried batch) are skipped by the database, atomically, whatever
        # else runs at the same time.
        # Notices to one recipient each (likes told together: forum.notifying.notify_about_likes) are one
        # INSERT between them; a notice to many is one INSERT over its recipients.
        singles = []
        for notice in notices:
            ids = sorted(set(notice.recipient_ids))
            everyone.update(ids)
            template = Notification(
                kind=kind,
                key=notice.key,
                params=notice.params,
                url=notice.url,
                group=notice.group or group or f"{kind}:{notice.key}",
                actor_id=notice.actor_id,
            )
            if len(ids) == 1:
                template.recipient_id = ids[0]
                singles.append(template)
            else:
                _insert(template, ids)
        if singles:
            Notification.objects.bulk_create(sorted(singles, key=lambda row: row.recipient_id), ignore_conflicts=True)
        transaction.on_commit(lambda: cache.delete_many([unread_key(user_id) for user_id in everyone]))
        emailing.queue_immediate_emails(kind=kind, notices=[(notice.key, notice.recipient_ids) for notice in notices])
    return sum(len(set(notice.recipient_ids)) for notice in notices)


@dataclass(frozen=True, eq=False)
class Addition:
    """What ``notify_consolidated`` tells some recipients: ``count`` events, the latest of which the
    sentence shows (``params``, ``actor_id``, ``at``); the notification leads to ``url`` (the first)."""

    count: int
    params: dict
    url: str
    actor_id: int | None
    at: datetime
    # The latest different people among them, the latest first (the line names them: notifications.pages).
    people: tuple[int, ...] = ()


def notify_consolidated(*, kind: str, group: str, key: str, additions: dict[int, Addition]) -> int:
    """Tell each recipient ``additions[recipient id]``: several events of ``group`` as one notification
    ``key`` ("12 replies in …", naming the latest people). Returns how many recipients were offered.

    A busy thread's followers get one row per run of forum.telling, not one per reply: on Friday at
    17:00 a reply a second to a thread with 400 followers was 400 rows a second, and as many mails.
    Mail goes only to a recipient with no other unread notification of the group: one mail per unread
    line, whatever happens in the thread until they read it. Safe to run again: the rows are unique per
    (recipient, key).
    """
    if not additions:
        return 0
    with transaction.atomic():
        # Who has an unread line of the group already (notifications_by_group): mailed about it, or not wanting mail.
        waiting = set(
            Notification.objects.filter(recipient_id__in=list(additions), group=group, read_at=None).values_list(
                "recipient_id", flat=True
            )
        )
        # Recipients who share one Addition (the same object) are told with one statement.
        by_addition: dict[int, tuple[Addition, list[int]]] = {}
        for recipient_id, addition in additions.items():
            by_addition.setdefault(id(addition), (addition, []))[1].append(recipient_id)
        for addition, recipient_ids in by_addition.values():
            _insert(
                Notification(
                    kind=kind,
                    key=key,
                    params={**addition.params, "people": list(_people(addition.people))},
                    url=addition.url,
                    group=group,
                    actor_id=addition.actor_id,
                    count=addition.count,
                    created_at=addition.at,
                ),
                sorted(recipient_ids),
            )
        transaction.on_commit(lambda: cache.delete_many([unread_key(user_id) for user_id in additions]))
        emailing.queue_immediate_emails(
            kind=kind, notices=[(key, sorted(user_id for user_id in additions if user_id not in waiting))]
        )
    return len(additions)


def _people(ids: tuple) -> tuple[int, ...]:
    """The first PEOPLE_KEPT different ids."""
    kept: list[int] = []
    for user_id in ids:
        if user_id is not None and user_id not in kept:
            kept.append(user_id)
    return tuple(kept[:PEOPLE_KEPT])


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
