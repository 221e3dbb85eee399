from celery.schedules import crontab
from django.conf import settings

from canyu.celery import app


def test_the_beat_publishes_due_releases_at_the_start_of_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-due-releases"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab()  # minute="*": every 60 s, at second 0
    assert entry["options"]["expires"] < 60  # a stale tick is dropped, not run late


def test_the_fan_out_task_is_registered():
    assert "releases.tasks.notify_followers" in app.tasks
    assert "releases.tasks.publish_release" in app.tasks
