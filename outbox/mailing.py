"""E-mail through the queue: a mail server that fails never fails a request, and a mail it took is not sent twice.

Recording: the web process's EMAIL_BACKEND is ``QueuedEmailBackend``. Sending
a mail (allauth's confirmation and password reset mails, anything else
through ``django.core.mail``) writes a ``Mail`` row with its own stable
``Message-ID`` and an outbox job, in the caller's transaction. A worker
delivers it with EMAIL_DELIVERY_BACKEND (SMTP when EMAIL_HOST is set, the
console otherwise). Notification mails (notifications.emailing) are recorded
in the transaction that claims their notifications and delivered right
after, by the worker that made them.

Delivery claims the row (``pending → sending``, a conditional UPDATE) before
it talks to the mail server, then:

- the server took it (250 after the final "."): ``sent``;
- a failure before the message was handed over (connection refused or timed
  out, a 4xx reply, the server gone before DATA ended): ``pending`` again,
  retried with growing delays (RETRY_DELAYS), then ``failed`` and logged;
- a 5xx refusal of the sender, a recipient or the data: ``failed`` at once
  and logged (RFC 5321: a permanent refusal; asking again changes nothing);
- a timeout or disconnect after the final "." was sent: ``uncertain`` and
  logged, never retried. The server may well have taken the message (and
  will deliver it) without us hearing its 250: a retry would send it twice;
- a row still ``sending`` after SENDING_STALE (the worker died mid-delivery):
  ``uncertain`` too, for the same reason.

So a mail goes out at most once from our side, and a mail whose fate is
unknown is logged for a person to look at rather than sent again.
"""

import logging
import smtplib
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

import outbox
from outbox.models import Mail
from outbox.smtp import MaybeDelivered

logger = logging.getLogger(__name__)

# Wait before each new try after a failure that may pass (about six hours in all), then give up.
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 15, 30, 60, 120, 120)]
# A new mail is left to the job that delivers it for this long before the sweep may take it.
LEASE = timedelta(minutes=2)
SENDING_STALE = timedelta(minutes=15)
SWEEP_BATCH = 200
# Sent mails are kept this long (to look one up by its Message-ID), the others longer.
KEEP_SENT = timedelta(days=7)
KEEP_UNSENT = timedelta(days=30)
FORGET_BATCH = 5000


class QueuedEmailBackend(BaseEmailBackend):
    """Records each message for a worker to deliver; never talks to a mail server itself."""

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if message.recipients():
                queue_mail(message)
                queued += 1
        return queued


def queue_mail(message) -> Mail:
    """Record the message and a job that delivers it, both in the caller's transaction (or one of their own)."""
    with transaction.atomic():
        mail = record_mail(message)
        outbox.enqueue("outbox.tasks.deliver_mail", mail.pk)
    return mail


def record_mail(message) -> Mail:
    """Write the message as a pending Mail with a Message-ID of its own (the same on every try)."""
    if message.attachments:
        raise ValueError("mails with attachments are not queued")
    message_id = make_msgid(domain=_domain())
    now = timezone.now()
    return Mail.objects.create(
        message_id=message_id,
        recipients=message.recipients(),
        subject=str(message.subject)[:998],
        message={
            "body": str(message.body),
            "from_email": str(message.from_email),
            "to": message.to,
            "cc": message.cc,
            "bcc": message.bcc,
            "reply_to": message.reply_to,
            "subtype": message.content_subtype,
            "headers": {**message.extra_headers, "Message-ID": message_id},
            "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        },
        created_at=now,
        next_try_at=now + LEASE,
    )


def _domain() -> str:
    # Not make_msgid's default: that asks the resolver for this host's name.
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "canyu.localhost"


def _message(mail: Mail) -> EmailMultiAlternatives:
    fields = mail.message
    message = EmailMultiAlternatives(
        mail.subject,
        fields["body"],
        fields["from_email"],
        fields["to"],
        bcc=fields["bcc"],
        cc=fields["cc"],
        reply_to=fields["reply_to"],
        headers=fields["headers"],
        alternatives=[tuple(alternative) for alternative in fields["alternatives"]],
    )
    message.content_subtype = fields["subtype"]
    return message


@contextmanager
def delivery_connection():
    """The delivery backend, one connection for several mails if the server answers now.

    If it does not, each send tries again on its own (and fails into a retry):
    opening must not raise here, or a down server would fail the caller.
    """
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - the sends report it, mail by mail
        pass
    try:
        yield connection
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a QUIT nobody answers changes nothing that was sent
            pass


def deliver_mail(*, mail_id: int, connection=None, due_by: datetime | None = None) -> str:
    """Try to send one pending mail; returns its state afterwards.

    At most one delivery talks to the server at a time, however many jobs and
    sweeps run (the claim); ``due_by`` takes the mail only if its next try is due.
    """
    now = timezone.now()
    claim = Mail.objects.filter(pk=mail_id, state=Mail.State.PENDING)
    if due_by is not None:
        claim = claim.filter(next_try_at__lte=due_by)
    if claim.update(state=Mail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1) != 1:
        return Mail.objects.filter(pk=mail_id).values_list("state", flat=True).first() or ""
    mail = Mail.objects.get(pk=mail_id)
    try:
        if connection is None:
            get_connection(settings.EMAIL_DELIVERY_BACKEND).send_messages([_message(mail)])
        else:
            connection.send_messages([_message(mail)])
    except MaybeDelivered as error:
        logger.error(
            "Mail %s (%s) to %s: no answer after its data was sent; it may have been delivered, "
            "so it is not sent again: %s",
            mail.pk,
            mail.message_id,
            mail.recipients,
            error.__cause__,
        )
        return _settle(mail, Mail.State.UNCERTAIN, error.__cause__)
    except Exception as error:  # noqa: BLE001 - smtplib, socket and SSL errors, whatever a backend raises
        if _permanent(error):
            logger.error(
                "Mail %s (%s) to %s refused by the mail server, given up: %s",
                mail.pk,
                mail.message_id,
                mail.recipients,
                error,
            )
            return _settle(mail, Mail.State.FAILED, error)
        if mail.attempts > len(RETRY_DELAYS):
            logger.error(
                "Mail %s (%s) to %s not sent after %s tries, given up: %s",
                mail.pk,
                mail.message_id,
                mail.recipients,
                mail.attempts,
                error,
            )
            return _settle(mail, Mail.State.FAILED, error)
        delay = RETRY_DELAYS[mail.attempts - 1]
        logger.warning(
            "Mail %s (%s) not sent (try %s), next try in %s: %s", mail.pk, mail.message_id, mail.attempts, delay, error
        )
        return _settle(mail, Mail.State.PENDING, error, next_try_at=timezone.now() + delay)
    return _settle(mail, Mail.State.SENT, None)


def _settle(mail: Mail, state: str, error: BaseException | None, **fields) -> str:
    if state == Mail.State.SENT:
        fields["sent_at"] = timezone.now()
    if error is not None:
        fields["last_error"] = f"{type(error).__name__}: {error}"[:500]
    Mail.objects.filter(pk=mail.pk, state=Mail.State.SENDING).update(state=state, **fields)
    return state


def _permanent(error: Exception) -> bool:
    """A 5xx refusal of the sender, the recipients or the data (not a 5xx to AUTH: that is ours to fix)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return 500 <= error.smtp_code < 600
    return False


def deliver_waiting_mail(*, now: datetime | None = None, everything: bool = False) -> int:
    """The sweep (Celery beat, every minute): send the mails whose next try is due (every
    pending one with ``everything``). Returns how many were sent."""
    now = now or timezone.now()
    for mail in Mail.objects.filter(state=Mail.State.SENDING, claimed_at__lt=now - SENDING_STALE):
        if (
            Mail.objects.filter(pk=mail.pk, state=Mail.State.SENDING, claimed_at=mail.claimed_at).update(
                state=Mail.State.UNCERTAIN, last_error="the delivery stopped half-way"
            )
            == 1
        ):
            logger.error(
                "Mail %s (%s) to %s: its delivery stopped half-way; it may have been delivered, "
                "so it is not sent again",
                mail.pk,
                mail.message_id,
                mail.recipients,
            )
    due = Mail.objects.filter(state=Mail.State.PENDING)
    if not everything:
        due = due.filter(next_try_at__lte=now)
    ids = list(due.order_by("next_try_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return deliver_mails(ids, due_by=None if everything else now)


def deliver_mails(mail_ids: list[int], *, due_by: datetime | None = None) -> int:
    """Deliver these mails over one connection; returns how many were sent.

    Stops at the first one that could not be sent for a reason that may pass
    (the server is likely away for the rest as well): they wait for the sweep.
    """
    sent = 0
    if not mail_ids:
        return sent
    with delivery_connection() as connection:
        for mail_id in mail_ids:
            state = deliver_mail(mail_id=mail_id, connection=connection, due_by=due_by)
            if state == Mail.State.PENDING:
                break
            if state == Mail.State.SENT:
                sent += 1
            else:
                connection.close()  # in an unknown state after a refusal or a lost answer: the next send opens anew
    return sent


def forget_old_mail(*, now: datetime | None = None) -> int:
    """Delete sent mails older than KEEP_SENT and failed or uncertain ones older than KEEP_UNSENT, in batches."""
    now = now or timezone.now()
    old = Mail.objects.filter(state=Mail.State.SENT, created_at__lt=now - KEEP_SENT) | Mail.objects.filter(
        state__in=[Mail.State.FAILED, Mail.State.UNCERTAIN], created_at__lt=now - KEEP_UNSENT
    )
    forgotten = 0
    while ids := list(old.values_list("pk", flat=True)[:FORGET_BATCH]):
        forgotten += Mail.objects.filter(pk__in=ids).delete()[0]
    return forgotten


def waiting_mail() -> dict[str, int]:
    """How many mails wait, and how many were given up or may have been sent, for manage.py outbox."""
    counts = dict(Mail.objects.exclude(state=Mail.State.SENT).values_list("state").annotate(n=Count("pk")))
    return {
        state: counts.get(state, 0)
        for state in (Mail.State.PENDING, Mail.State.SENDING, Mail.State.UNCERTAIN, Mail.State.FAILED)
    }
