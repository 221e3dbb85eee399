"""A mail server that refuses, times out or is down never fails a request, and no mail goes out twice.

The mail server is a real SMTP server (aiosmtpd) on a spare port, started in
the test; the web process records mails (QueuedEmailBackend) and they are
delivered over SMTP by outbox.mailing, as a worker does.
"""

import asyncio
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from outbox import mailing
from outbox.models import Mail

pytestmark = pytest.mark.django_db

SMTP_TIMEOUT = 1  # seconds: EMAIL_TIMEOUT in these tests


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """What the server does with a message: accept it, refuse it (5xx), or take it and never answer in time."""

    def __init__(self, mode="accept"):
        self.mode = mode
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse-recipient":
            return "550 5.1.1 No such user here"
        if self.mode == "busy":
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "refuse-data":
            return "554 5.6.0 Message refused"
        self.received.append(envelope.content.decode())
        if self.mode == "silent-after-data":
            await asyncio.sleep(SMTP_TIMEOUT * 3)  # took the message; its 250 comes too late
        return "250 Message accepted for delivery"

    def message_ids(self):
        return [re.search(r"^Message-ID: (\S+)", text, re.M | re.I).group(1) for text in self.received]


@pytest.fixture
def smtp(settings):
    """Mails recorded by the web process and delivered over SMTP to a port nothing listens on yet.

    Yields start(mode) -> MailServer, which starts the server there; stopped at the end.
    """
    port = spare_port()
    settings.EMAIL_BACKEND = "outbox.mailing.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "outbox.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, SMTP_TIMEOUT
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    controllers = []

    def start(mode="accept"):
        for controller in controllers:
            controller.stop()
        controllers.clear()
        handler = MailServer(mode)
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def sign_up(client, capture):
    with capture(execute=True):  # the request's transaction commits, its jobs run (as a worker would)
        return client.post(
            reverse("account_signup"),
            {"email": "new@example.com", "username": "newfan", "password1": PASSWORD, "password2": PASSWORD},
        )


def later(minutes=10):
    return timezone.now() + timedelta(minutes=minutes)


def test_sign_up_with_the_mail_server_down_succeeds_and_the_mail_goes_once_it_is_back(
    client, smtp, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(username="newfan").exists()
    mail = Mail.objects.get()
    assert mail.state == Mail.State.PENDING and mail.attempts == 1 and mail.recipients == ["new@example.com"]

    server = smtp("accept")
    assert mailing.deliver_waiting_mail(now=later()) == 1
    assert mailing.deliver_waiting_mail(now=later(60)) == 0
    assert len(server.received) == 1 and "/accounts/confirm-email/" in server.received[0]
    assert server.message_ids() == [mail.message_id]
    assert Mail.objects.get().state == Mail.State.SENT


def test_a_retry_is_not_taken_before_its_time(client, smtp, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    server = smtp("accept")
    assert mailing.deliver_waiting_mail(now=timezone.now()) == 0
    assert server.received == []


def test_sign_up_with_a_recipient_refused_succeeds_and_the_mail_is_given_up(
    client, smtp, django_capture_on_commit_callbacks
):
    server = smtp("refuse-recipient")
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert User.objects.filter(username="newfan").exists()
    assert Mail.objects.get().state == Mail.State.FAILED
    assert mailing.deliver_waiting_mail(now=later(60 * 24)) == 0
    assert server.received == []


def test_a_password_reset_with_the_data_refused_succeeds_and_the_mail_is_given_up(
    client, smtp, django_capture_on_commit_callbacks
):
    UserFactory(email="fan@example.com")
    smtp("refuse-data")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "fan@example.com"})
    assert response.status_code == 302
    mail = Mail.objects.get()
    assert mail.state == Mail.State.FAILED and "554" in mail.last_error


def test_a_mail_whose_answer_times_out_after_its_data_is_never_sent_again(
    client, smtp, django_capture_on_commit_callbacks
):
    server = smtp("silent-after-data")
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Mail.objects.get().state == Mail.State.UNCERTAIN
    server.mode = "accept"  # it answers in time now
    mailing.deliver_waiting_mail(now=later(60 * 24))
    assert len(server.received) == 1


def test_a_mail_put_off_with_a_4xx_goes_once_the_server_accepts(smtp, django_capture_on_commit_callbacks):
    from django.core.mail import send_mail

    smtp("busy")
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Body", None, ["fan@example.com"])
    assert Mail.objects.get().state == Mail.State.PENDING
    server = smtp("accept")
    assert mailing.deliver_waiting_mail(now=later()) == 1
    mailing.deliver_waiting_mail(now=later(60 * 24))
    assert len(server.received) == 1


def test_a_delivery_that_died_half_way_is_marked_uncertain_not_sent_again(smtp, django_capture_on_commit_callbacks):
    from django.core.mail import send_mail

    with django_capture_on_commit_callbacks(execute=False):  # recorded, its job not run
        send_mail("Hello", "Body", None, ["fan@example.com"])
    # A worker claimed it and was killed while talking to the server.
    Mail.objects.update(state=Mail.State.SENDING, claimed_at=timezone.now())
    server = smtp("accept")
    assert mailing.deliver_waiting_mail(now=later(60)) == 0
    assert Mail.objects.get().state == Mail.State.UNCERTAIN
    assert server.received == []


def test_a_notification_mail_whose_answer_times_out_is_not_sent_again_by_a_rerun(smtp):
    from notifications import emailing
    from notifications.tests.factories import make_notification

    fan = UserFactory()
    notification = make_notification(fan)
    server = smtp("silent-after-data")
    emailing.send_notification_emails(key=notification.key, user_ids=[fan.pk])
    server.mode = "accept"
    emailing.send_notification_emails(key=notification.key, user_ids=[fan.pk])  # the task redelivered
    mailing.deliver_waiting_mail(now=later(60 * 24))
    assert len(server.received) == 1


def test_the_command_shows_waiting_mail_and_sends_it_now(smtp, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.mail import send_mail
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Body", None, ["fan@example.com"])  # the server is down
    out = StringIO()
    call_command("outbox", stdout=out)
    assert "mails waiting: 1" in out.getvalue()
    server = smtp("accept")
    out = StringIO()
    call_command("outbox", "--relay", stdout=out)  # without waiting for the back-off
    assert "mails sent: 1" in out.getvalue() and "mails waiting: 0" in out.getvalue()
    assert len(server.received) == 1


def test_old_sent_mail_is_forgotten_and_recent_or_unsent_mail_kept(smtp, django_capture_on_commit_callbacks):
    from django.core.mail import send_mail

    smtp("accept")
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Old", "Body", None, ["fan@example.com"])
    Mail.objects.update(created_at=timezone.now() - mailing.KEEP_SENT - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("New", "Body", None, ["fan@example.com"])
    Mail.objects.create(
        message_id="<given-up@canyu.localhost>",
        subject="Refused",
        message={},
        state=Mail.State.FAILED,
        created_at=timezone.now() - mailing.KEEP_SENT - timedelta(days=1),
    )
    assert mailing.forget_old_mail() == 1
    assert sorted(Mail.objects.values_list("subject", flat=True)) == ["New", "Refused"]


def test_a_mail_the_server_never_takes_is_given_up_after_its_last_try_and_logged(
    smtp, django_capture_on_commit_callbacks, caplog
):
    from django.core.mail import send_mail

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Body", None, ["fan@example.com"])  # the server is down, and stays down
    for _ in mailing.RETRY_DELAYS:
        assert Mail.objects.get().state == Mail.State.PENDING
        mailing.deliver_waiting_mail(now=later(60 * 24))
    mail = Mail.objects.get()
    assert mail.state == Mail.State.FAILED and mail.attempts == len(mailing.RETRY_DELAYS) + 1
    assert f"Mail {mail.pk} ({mail.message_id}) to ['fan@example.com'] not sent after" in caplog.text
