"""Jobs recorded (outbox) or sent to the broker before the split carry the old task names."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

import outbox
from canyu.celery import app
from polls.models import Poll
from polls.tests.test_polls import open_test_poll
from voting.tasks import RENAMED


def test_every_task_of_the_split_apps_keeps_its_old_name():
    assert sorted(RENAMED) == sorted(
        f"voting.tasks.{name}"
        for name in [
            "ship_released_ideas",
            "notify_status_change",
            "recount_votes",
            "refresh_trending",
            "close_due_polls",
            "notify_poll_result",
            "open_report_windows",
            "invite_voters",
            "remind_reporters",
            "send_reminders",
            "freeze_closed_reports",
            "recount_anticipation",
        ]
    )
    assert all(name in app.tasks for name in RENAMED)


@pytest.mark.django_db(transaction=True)
def test_a_job_waiting_under_an_old_name_does_its_work():
    poll = open_test_poll()
    past = timezone.now() - timedelta(hours=1)
    Poll.objects.filter(pk=poll.pk).update(created_at=past - timedelta(days=1), closes_at=past)

    with transaction.atomic():
        outbox.enqueue("voting.tasks.close_due_polls")

    assert Poll.objects.get(pk=poll.pk).closed_at is not None
