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

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            # relay_waiting_jobs: WHERE next_try_at <= now ORDER BY next_try_at
            models.Index(fields=["next_try_at"], name="outbox_job_due"),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"

