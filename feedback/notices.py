"""Asking fans for their four-cell report: the invitation and the Tuesday reminder.

- When a release's window opens (feedback.reports.open_window), the fans who
  voted for an idea that shipped in it are invited to report on it
  (notification key ``report:<release>:invitation``).
- On the morning of the window's last day (Tuesday 10:00 Beijing time by
  default) the product's followers who have not reported yet are reminded
  (``report:<release>:reminder``). The reminder is claimed once with a
  conditional UPDATE of ``reminded_at``, however many beats run.

Both fan-outs walk their fans by user id in batches (each batch one
transaction), are safe to run again (notify() inserts only the missing rows of
the key) and are queued again by the tick if their queueing was lost.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

import outbox
from feedback.models import ReleaseTally, Report
from ideas.models import Idea, IdeaVote
from notifications.delivery import notify
from notifications.models import Kind as NotificationKind
from releases.models import ProductFollow
from releases.scheduling import in_shanghai

logger = logging.getLogger(__name__)

# A fan-out claimed this long ago and not finished is queued again.
RESEND_AFTER = timedelta(minutes=5)
SHIPPED_WITH_RELEASE = [Idea.Status.IN_BUILD, Idea.Status.SHIPPED]


def report_url(release) -> str:
    return reverse("feedback:report", args=[release.product.slug, release.version])


def notice_params(tally: ReleaseTally) -> dict:
    """Kind.REPORT's parameters. ``closes`` is the window's last minute in Beijing time, written the
    same in every language (the notification is shown in the reader's language, the time is not)."""
    last = in_shanghai(tally.closes_at - timedelta(seconds=1))
    release = tally.release
    return {"product": release.product.name, "version": release.version, "closes": f"{last:%Y-%m-%d %H:%M} (UTC+8)"}


def _open_tally(release_id: int, now: datetime) -> ReleaseTally | None:
    tally = ReleaseTally.objects.select_related("release__product").filter(pk=release_id).first()
    if tally is None or tally.frozen_at is not None or tally.closes_at <= now:
        return None
    return tally


def invite_voters(*, release_id: int, now: datetime | None = None) -> int:
    """Invite the voters of the ideas shipped in the release (ideas whose changelog item is one of
    its items) to report on it, once each. Returns how many fans were offered."""
    now = now or timezone.now()
    tally = _open_tally(release_id, now)
    offered = 0
    if tally is not None:
        voters = (
            IdeaVote.objects.filter(idea__changelog_item__release_id=release_id, idea__status__in=SHIPPED_WITH_RELEASE)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()
        )
        offered = _fan_out(voters, tally, key=f"report:{release_id}:invitation")
    ReleaseTally.objects.filter(pk=release_id, invited_at=None).update(invited_at=now)
    return offered


def remind_due(*, now: datetime | None = None) -> int:
    """The tick: claim each reminder whose time has come (in an open window) and queue its fan-out;
    queue again the fan-outs claimed a while ago and not finished. Returns how many it claimed."""
    now = now or timezone.now()
    open_windows = ReleaseTally.objects.filter(frozen_at=None, closes_at__gt=now)
    claimed = 0
    for release_id in list(open_windows.filter(reminded_at=None, remind_at__lte=now).values_list("pk", flat=True)):
        with transaction.atomic():
            if ReleaseTally.objects.filter(pk=release_id, reminded_at=None).update(reminded_at=now) == 1:
                outbox.enqueue("feedback.tasks.send_reminders", release_id)
                claimed += 1
    stale = now - RESEND_AFTER
    for release_id in open_windows.filter(reminded_at__lte=stale, reminders_sent_at=None).values_list("pk", flat=True):
        logger.warning("Release id %s: report reminders not all sent; queueing them again", release_id)
        outbox.enqueue("feedback.tasks.send_reminders", release_id)
    for release_id in open_windows.filter(invited_at=None, created_at__lte=stale).values_list("pk", flat=True):
        logger.warning("Release id %s: report invitations not all sent; queueing them again", release_id)
        outbox.enqueue("feedback.tasks.invite_voters", release_id)
    return claimed


def send_reminders(*, release_id: int, now: datetime | None = None) -> int:
    """Remind the product's followers who have not reported on the release yet. Returns how many were offered."""
    now = now or timezone.now()
    tally = _open_tally(release_id, now)
    offered = 0
    if tally is not None:
        reported = Report.objects.filter(release_id=release_id, fan_id=OuterRef("user_id"))
        followers = (
            ProductFollow.objects.filter(product_id=tally.release.product_id)
            .exclude(Exists(reported))
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        offered = _fan_out(followers, tally, key=f"report:{release_id}:reminder")
    ReleaseTally.objects.filter(pk=release_id, reminders_sent_at=None).update(reminders_sent_at=now)
    return offered


def _fan_out(user_ids, tally: ReleaseTally, *, key: str) -> int:
    """Notify the users of ``user_ids`` (a query ordered by user id) in batches, walking by user id
    (keyset: batch 50 costs what batch 1 does)."""
    batch_size = settings.VOTING_NOTIFY_BATCH
    params, url = notice_params(tally), report_url(tally.release)
    offered, last = 0, 0
    while True:
        batch = list(user_ids.filter(user_id__gt=last)[:batch_size])
        if not batch:
            break
        offered += notify(recipient_ids=batch, kind=NotificationKind.REPORT, key=key, params=params, url=url)
        last = batch[-1]
        if len(batch) < batch_size:
            break
    return offered
