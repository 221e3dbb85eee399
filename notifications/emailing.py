"""E-mail for notifications: right away, or once a day in a digest.

Who gets mail: an active user whose effective choice for the kind (their
EmailPreference row, else DEFAULT_EMAIL) is "immediate" or "daily", and who
has a verified primary address. Unverified addresses get nothing.

Exactly once: a notification is claimed with a conditional UPDATE
(``emailed_at IS NULL`` → now), and its mail is recorded (outbox.mailing) in
the same transaction, so a task that runs twice (retried, or redelivered after
a worker died) mails no one twice. The mail is delivered right after; a mail
server that is down or times out only delays it (outbox.mailing retries it
with growing delays), and a mail the server may have taken is never sent
again. Notifications read on the site before their mail was recorded are not
mailed at all.

The digest: ``send_daily_digests`` (Celery beat, daily at 08:00 Beijing time)
walks the recipients of recent un-mailed notifications in batches by user id
and queues one task per batch; each user whose choice for a kind is "daily"
gets one mail listing them. Only notifications from the last DIGEST_WINDOW
are taken (two days, so one missed run loses nothing); older ones are skipped,
not marked: they stay on the notifications page and are never mailed, so
switching from "off" to "daily" does not bring a flood of old news.
"""

import logging
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

import outbox
from notifications import preferences
from notifications.models import EmailChoice, Kind, Notification
from notifications.unsubscribing import unsubscribe_url
from outbox import mailing

logger = logging.getLogger(__name__)

# User ids per e-mail task: a release to 100 000 followers becomes 200 tasks
# that several workers share, each a few seconds long.
EMAIL_BATCH = 500
DIGEST_BATCH = 500
DIGEST_WINDOW = timedelta(days=2)
# A digest lists at most this many notifications (all of them are claimed);
# the rest are on the notifications page.
DIGEST_MAX_ITEMS = 50


def queue_immediate_emails(*, kind: str, notices: list[tuple[str, list[int]]]) -> None:
    """Queue mail for the recipients of each (key, recipient ids) of ``kind`` who want it right away, with
    one query for who does.

    Called by notifications.delivery inside its transaction: the tasks are sent
    only once it commits (a rolled-back reply mails nobody). Re-queuing for
    recipients already mailed (a retried fan-out) is harmless: the task skips them.
    """
    wanting = set(
        preferences.users_who_get_mail(
            kind=kind,
            choice=EmailChoice.IMMEDIATE,
            user_ids={user_id for _, recipient_ids in notices for user_id in recipient_ids},
        )
    )
    for key, recipient_ids in notices:
        user_ids = sorted(wanting.intersection(recipient_ids))
        for start in range(0, len(user_ids), EMAIL_BATCH):
            outbox.enqueue("notifications.tasks.send_notification_emails", key, user_ids[start : start + EMAIL_BATCH])


def send_notification_emails(*, key: str, user_ids: list[int]) -> int:
    """Mail each of these users their notification ``key``, at most once
    however often this runs. Returns how many mails were recorded (and tried)."""
    pending = list(
        Notification.objects.filter(key=key, recipient_id__in=user_ids, emailed_at=None, read_at=None).order_by(
            "recipient_id"
        )
    )
    if not pending:
        return 0
    # Checked again at sending time: the user may have changed their mind or
    # their address since the notification was made.
    addresses = preferences.verified_addresses(n.recipient_id for n in pending)
    choices = preferences.effective_email_choices(n.recipient_id for n in pending)
    mail_ids = []
    for notification in pending:
        recipient = addresses.get(notification.recipient_id)
        if recipient is None or choices[notification.recipient_id][notification.kind] != EmailChoice.IMMEDIATE:
            continue
        user, address = recipient
        with transaction.atomic():  # the claim and the mail commit together
            if not _claim([notification.pk], timezone.now()):
                continue  # another run mailed it, or it was read meanwhile
            mail_ids.append(
                _record(
                    user=user,
                    address=address,
                    kinds=[notification.kind],
                    template="notification",
                    context={"notification": notification, "link": absolute_url(notification.url)},
                )
            )
    mailing.deliver_mails(mail_ids)
    return len(mail_ids)


def send_daily_digests(*, now: datetime | None = None) -> int:
    """Queue one digest task per batch of recipients; returns the number of batches.

    Walks user ids upwards (keyset, no OFFSET) over the partial index
    ``notifications_to_email``: never more than one batch of ids in memory.
    Running it twice (two beat processes) only queues tasks that find their
    notifications already claimed.
    """
    since = (now or timezone.now()) - DIGEST_WINDOW
    last_id, batches = 0, 0
    while True:
        recipient_ids = list(
            Notification.objects.filter(emailed_at=None, read_at=None, created_at__gte=since, recipient_id__gt=last_id)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:DIGEST_BATCH]
        )
        if not recipient_ids:
            return batches
        outbox.enqueue("notifications.tasks.send_digest_batch", recipient_ids, since.isoformat())
        last_id, batches = recipient_ids[-1], batches + 1


def send_digests(*, user_ids: list[int], since: datetime) -> int:
    """One digest mail to each of these users who chose "daily" for some kind
    and has un-mailed notifications of it since ``since``. Returns mails recorded (and tried)."""
    addresses = preferences.verified_addresses(user_ids)
    choices = preferences.effective_email_choices(addresses)
    mail_ids = []
    for user_id, (user, address) in sorted(addresses.items()):
        kinds = [kind for kind, choice in choices[user_id].items() if choice == EmailChoice.DAILY]
        if not kinds:
            continue
        with transaction.atomic():  # the claims and the mail commit together
            items = _claim_digest(user_id=user_id, kinds=kinds, since=since, now=timezone.now())
            if not items:
                continue
            for item in items:
                item.link = absolute_url(item.url)  # type: ignore[attr-defined]  # for the template only
            mail_ids.append(
                _record(
                    user=user,
                    address=address,
                    kinds=sorted({item.kind for item in items}),
                    template="digest",
                    context={
                        "items": items[:DIGEST_MAX_ITEMS],
                        "total": len(items),
                        "more": max(0, len(items) - DIGEST_MAX_ITEMS),
                    },
                )
            )
    mailing.deliver_mails(mail_ids)
    return len(mail_ids)


def _claim(notification_ids: list[int], now: datetime) -> bool:
    """The conditional UPDATE that makes sending exactly-once: only one run moves emailed_at off NULL."""
    claimed = Notification.objects.filter(pk__in=notification_ids, emailed_at=None, read_at=None).update(emailed_at=now)
    return claimed == len(notification_ids)


def _claim_digest(*, user_id: int, kinds: list[str], since: datetime, now: datetime) -> list[Notification]:
    """Claim all of a user's un-mailed, unread notifications of these kinds since ``since``.

    On PostgreSQL the rows are locked while they are claimed and rows another
    worker has locked are skipped; SQLite runs one writer at a time (BEGIN
    IMMEDIATE). Either way the conditional UPDATE must claim every row read,
    or this user is left to the run that got there first.
    """
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, kind__in=kinds, emailed_at=None, read_at=None, created_at__gte=since)
            .order_by("created_at", "id")
        )
        if not items:
            return []
        if not _claim([item.pk for item in items], now):
            transaction.set_rollback(True)
            return []
    return items


def absolute_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _record(*, user, address: str, kinds: list[str], template: str, context: dict) -> int:
    """Render templates/notifications/email/<template>_{subject,body}.txt and _body.html
    in the user's language and time zone, with one-click unsubscribe headers, and record
    the mail in the current transaction (outbox.mailing). Returns the mail's id."""
    unsubscribe = unsubscribe_url(user_id=user.pk, kinds=kinds)
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(_zone(user)):
        context = {
            **context,
            "user": user,
            "kinds": [Kind(kind).label for kind in kinds],
            "site_url": settings.SITE_URL,
            "notifications_url": absolute_url(reverse("notifications:list")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe,
        }
        subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
        html = render_to_string(f"notifications/email/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [address],
        headers={
            # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button
            # that POSTs "List-Unsubscribe=One-Click" to this URL.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: no out-of-office replies to these.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return mailing.record_mail(message).pk
