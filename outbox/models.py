from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A Celery task to send once the transaction that recorded it has committed.

    The row is deleted once the broker took the task. ``next_try_at`` is when a
    relay may take it: a new row is left to its own request for ``LEASE``
    (outbox.relay), a relay that claims a row moves it forward the same way.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Seconds the worker waits before running the task once it has it (outbox.relay.enqueue_in).
    countdown = models.PositiveIntegerField(_("countdown"), default=0)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            # relay_waiting_jobs: WHERE next_try_at <= now ORDER BY next_try_at
            models.Index(fields=["next_try_at"], name="outbox_job_due"),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class Mail(models.Model):
    """One e-mail, recorded in the transaction that decided to send it, sent by a worker.

    The row is the claim that keeps a mail from going out twice: a delivery
    moves it ``pending → sending`` before talking to the mail server, and the
    outcome decides the next state (outbox.mailing explains each).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")
        UNCERTAIN = "uncertain", _("maybe sent")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=998)
    # What rebuilds the EmailMessage: body, from, to, cc, bcc, reply-to, headers, alternatives.
    message = models.JSONField(_("message"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        indexes = [
            # deliver_waiting_mail: WHERE state = 'pending' AND next_try_at <= now ORDER BY next_try_at
            models.Index(fields=["next_try_at"], name="outbox_mail_due", condition=models.Q(state="pending")),
            # deliver_waiting_mail: WHERE state = 'sending' AND claimed_at < stale
            models.Index(fields=["claimed_at"], name="outbox_mail_sending", condition=models.Q(state="sending")),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"
