"""Notification e-mail: who gets it, right away or in a digest, and never twice."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications import emailing, preferences, tasks
from notifications.models import EmailChoice, Kind, Notification
from notifications.tests.factories import make_notification
from outbox import mailing
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


def choose(user, kind, choice):
    preferences.save_email_choices(user_id=user.pk, choices={kind: choice})


def notify_now(recipient, capture, **kwargs):
    """A notification, with its after-commit work (queuing the e-mail task) run."""
    with capture(execute=True):
        return make_notification(recipient, **kwargs)


def send_daily_digests(run=emailing.send_daily_digests):
    """The beat's run: the batch jobs it records are sent once it commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return run()


# --- Right away ----------------------------------------------------------


def test_a_reply_is_mailed_right_away_by_default(django_capture_on_commit_callbacks):
    fan = UserFactory()
    notification = notify_now(fan, django_capture_on_commit_callbacks, thread="Battery life", url="/p/5/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [fan.email]
    assert "Battery life" in message.subject
    assert "http://127.0.0.1:8000/p/5/" in message.body
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_the_mail_is_sent_once_even_if_the_task_runs_twice(django_capture_on_commit_callbacks):
    fan = UserFactory()
    notification = notify_now(fan, django_capture_on_commit_callbacks)
    tasks.send_notification_emails(notification.key, [fan.pk])  # a retried or redelivered task
    tasks.send_notification_emails(notification.key, [fan.pk])
    assert len(mail.outbox) == 1


def test_the_task_running_twice_before_any_send_mails_once():
    fan = UserFactory()
    notification = make_notification(fan)  # its own queued task is never run here
    tasks.send_notification_emails(notification.key, [fan.pk])
    tasks.send_notification_emails(notification.key, [fan.pk])
    assert len(mail.outbox) == 1


def test_an_unverified_address_gets_no_mail(django_capture_on_commit_callbacks):
    fan = UserFactory()
    EmailAddress.objects.filter(user=fan).update(verified=False)
    notify_now(fan, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_an_inactive_account_gets_no_mail(django_capture_on_commit_callbacks):
    fan = UserFactory(is_active=False)
    notify_now(fan, django_capture_on_commit_callbacks)
    assert mail.outbox == []


@pytest.mark.parametrize("choice, mails", [(EmailChoice.IMMEDIATE, 1), (EmailChoice.DAILY, 0), (EmailChoice.OFF, 0)])
def test_the_choice_decides_whether_it_is_mailed_right_away(django_capture_on_commit_callbacks, choice, mails):
    fan = UserFactory()
    choose(fan, Kind.REPLY, choice)
    notify_now(fan, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == mails


def test_releases_go_to_the_digest_by_default_not_right_away(django_capture_on_commit_callbacks):
    fan = UserFactory()
    notify_now(fan, django_capture_on_commit_callbacks, kind=Kind.RELEASE)
    assert mail.outbox == []


def test_a_release_is_mailed_right_away_to_who_asked_for_it(django_capture_on_commit_callbacks):
    fan = UserFactory()
    choose(fan, Kind.RELEASE, EmailChoice.IMMEDIATE)
    notify_now(fan, django_capture_on_commit_callbacks, kind=Kind.RELEASE)
    assert len(mail.outbox) == 1


def test_turning_mail_off_before_the_task_runs_is_respected():
    fan = UserFactory()
    notification = make_notification(fan)  # queued, not run yet
    choose(fan, Kind.REPLY, EmailChoice.OFF)
    tasks.send_notification_emails(notification.key, [fan.pk])
    assert mail.outbox == []


def test_a_notification_read_before_its_mail_is_not_mailed(client):
    fan = UserFactory()
    notification = make_notification(fan)
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    tasks.send_notification_emails(notification.key, [fan.pk])
    assert mail.outbox == []


def test_the_mail_has_one_click_unsubscribe_headers(django_capture_on_commit_callbacks):
    notify_now(UserFactory(), django_capture_on_commit_callbacks)
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"][1:-1] in mail.outbox[0].body


def test_links_use_site_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://forum.example.com"
    notify_now(UserFactory(), django_capture_on_commit_callbacks, url="/p/9/")
    assert "https://forum.example.com/p/9/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert 'href="https://forum.example.com/p/9/"' in mail.outbox[0].alternatives[0][0]


def test_a_thread_title_is_escaped_in_the_html_part(django_capture_on_commit_callbacks):
    notify_now(UserFactory(), django_capture_on_commit_callbacks, thread="<script>x</script>")
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>x</script>" in mail.outbox[0].body  # plain text stays plain


def test_a_failed_send_keeps_the_claim_and_the_mail_is_sent_by_a_later_try(settings):
    fan = UserFactory()
    notification = make_notification(fan)
    settings.EMAIL_DELIVERY_BACKEND = "notifications.tests.test_emailing.FailingBackend"
    assert emailing.send_notification_emails(key=notification.key, user_ids=[fan.pk]) == 1  # no error raised
    assert mail.outbox == []
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert emailing.send_notification_emails(key=notification.key, user_ids=[fan.pk]) == 0  # not recorded twice
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailing.deliver_waiting_mail(now=timezone.now() + timedelta(hours=1))
    assert [message.to for message in mail.outbox] == [[fan.email]]


def test_each_recipient_gets_the_mail_in_their_language_and_time_zone():
    english = UserFactory(language="en", time_zone="Europe/Berlin")
    chinese = UserFactory()  # no language chosen: settings.LANGUAGE_CODE (zh-hans)
    for fan in (english, chinese):
        choose(fan, Kind.REPLY, EmailChoice.DAILY)
    with time_machine.travel("2026-11-27 09:30:00+00:00", tick=False):
        for fan in (english, chinese):
            make_notification(fan)
        send_daily_digests()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "10:30" in bodies[english.email] and "年" not in bodies[english.email]  # CET, English date
    assert "2026年11月27日 17:30" in bodies[chinese.email]  # Asia/Shanghai, Chinese date


# --- Daily digest ----------------------------------------------------------


def test_the_digest_lists_a_days_notifications_in_one_mail_and_claims_them():
    fan = UserFactory(language="en")
    choose(fan, Kind.REPLY, EmailChoice.DAILY)
    first = make_notification(fan, thread="First thread", url="/p/1/")
    second = make_notification(fan, thread="Second thread", url="/p/2/")
    send_daily_digests()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "First thread" in body and "Second thread" in body and "http://127.0.0.1:8000/p/2/" in body
    assert "2 new notifications" in mail.outbox[0].subject
    assert not Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at=None).exists()
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_running_the_digest_twice_mails_once():
    fan = UserFactory()
    choose(fan, Kind.REPLY, EmailChoice.DAILY)
    make_notification(fan)
    send_daily_digests()
    send_daily_digests(tasks.send_daily_digests)  # a second beat process, or a redelivered task
    assert len(mail.outbox) == 1


def test_the_digest_takes_only_daily_kinds():
    fan = UserFactory()  # replies: right away (default); releases: daily (default)
    make_notification(fan, kind=Kind.REPLY, thread="A reply thread")
    make_notification(fan, kind=Kind.RELEASE)
    send_daily_digests()
    assert len(mail.outbox) == 1
    assert "Canyu Phone 2.0" in mail.outbox[0].body and "A reply thread" not in mail.outbox[0].body


def test_the_digest_skips_off_unverified_and_already_mailed():
    off, unverified, mailed = UserFactory(), UserFactory(), UserFactory()
    choose(off, Kind.RELEASE, EmailChoice.OFF)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    for fan in (off, unverified, mailed):
        make_notification(fan, kind=Kind.RELEASE)
    Notification.objects.filter(recipient=mailed).update(emailed_at=timezone.now())
    send_daily_digests()
    assert mail.outbox == []


def test_notifications_older_than_the_window_are_skipped_not_mailed():
    fan = UserFactory()
    with time_machine.travel(timezone.now() - emailing.DIGEST_WINDOW - timedelta(minutes=1)):
        old = make_notification(fan, kind=Kind.RELEASE, key="release:old")
    recent = make_notification(fan, kind=Kind.RELEASE, key="release:new")
    send_daily_digests()
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=old.pk).emailed_at is None  # stays on the site only
    assert Notification.objects.get(pk=recent.pk).emailed_at is not None


def test_the_digest_walks_recipients_in_batches(monkeypatch):
    monkeypatch.setattr(emailing, "DIGEST_BATCH", 2)
    fans = [UserFactory() for _ in range(5)]
    for fan in fans:
        make_notification(fan, kind=Kind.RELEASE)
    assert send_daily_digests() == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(fan.email for fan in fans)


def test_a_long_digest_lists_the_first_ones_and_says_how_many_more(monkeypatch):
    monkeypatch.setattr(emailing, "DIGEST_MAX_ITEMS", 2)
    fan = UserFactory(language="en")
    for _ in range(5):
        make_notification(fan, kind=Kind.RELEASE)
    send_daily_digests()
    assert mail.outbox[0].body.count("Canyu Phone 2.0") == 2
    assert "and 3 more: http://127.0.0.1:8000/notifications/" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=fan, emailed_at=None).exists()


def test_a_failed_digest_keeps_its_claims_and_is_sent_by_a_later_try(settings):
    fan = UserFactory()
    make_notification(fan, kind=Kind.RELEASE)
    settings.EMAIL_DELIVERY_BACKEND = "notifications.tests.test_emailing.FailingBackend"
    assert emailing.send_digests(user_ids=[fan.pk], since=timezone.now() - emailing.DIGEST_WINDOW) == 1
    assert not Notification.objects.filter(recipient=fan, emailed_at=None).exists()
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailing.deliver_waiting_mail(now=timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_the_digest_is_scheduled_daily_at_eight_in_beijing(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["send-daily-digests"]
    assert schedule["task"] == "notifications.tasks.send_daily_digests"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({0}, {0})  # 00:00 UTC = 08:00 +08:00


# --- Concurrency (PostgreSQL: SQLite serialises every writer) -----------------


def _at_once(work, times=4):
    run_at_once([work] * times)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_one_email_task_mail_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    fan = UserFactory()
    # Made directly: through notify() its own task would run at commit, before the race.
    notification = Notification.objects.create(
        recipient=fan, kind=Kind.REPLY, key="post:1", url="/p/1/", params={"actor": "Rui", "thread": "Battery"}
    )
    _at_once(lambda: emailing.send_notification_emails(key=notification.key, user_ids=[fan.pk]))
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_mail_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    fan = UserFactory()
    for _ in range(3):
        make_notification(fan, kind=Kind.RELEASE)
    since = timezone.now() - emailing.DIGEST_WINDOW
    _at_once(lambda: emailing.send_digests(user_ids=[fan.pk], since=since))
    assert len(mail.outbox) == 1
    assert User.objects.get(pk=fan.pk).notifications.filter(emailed_at=None).count() == 0
