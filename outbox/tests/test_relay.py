"""Follow-up jobs commit with their change, wait while the broker is down, and run once it answers."""

import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum import posting
from forum.tests.factories import BoardFactory, make_thread
from notifications.models import Kind, Notification
from outbox import relay
from outbox.models import Job


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down():
    """The web process sends to a broker that is not there (nothing listens on the port)."""
    from canyu.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = f"redis://127.0.0.1:{spare_port()}/0", False
    app._after_fork()  # drops the pooled connections to the old broker (close() would unregister the app)
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._after_fork()
    relay._broker_down_until = 0.0


@pytest.fixture
def thread(db, django_capture_on_commit_callbacks):
    """A thread, its own jobs done before the broker goes away."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_thread()


def broker_back():
    """The broker answers again (here: the embedded one, running tasks in the process)."""
    from canyu.celery import app

    app.conf.task_always_eager = True


def replies_told(user):
    return Notification.objects.filter(recipient=user, kind=Kind.REPLY).count()


def start_thread_mentioning(user):
    """A thread whose @mention is told by a job (add_thread runs in the caller's transaction)."""
    return posting.add_thread(board=BoardFactory(), author=UserFactory(), title="Hello", source=f"@{user.username} hi")


@pytest.mark.django_db(transaction=True)
def test_a_job_recorded_in_a_rolled_back_transaction_never_runs():
    mei = UserFactory(username="mei")
    with pytest.raises(RuntimeError), transaction.atomic():
        start_thread_mentioning(mei)
        raise RuntimeError("the change fails after the job was recorded")
    assert not Job.objects.exists()
    assert relay.relay_waiting_jobs(everything=True) == 0
    assert not Notification.objects.filter(recipient=mei).exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_job_runs_after_commit_and_leaves_no_row():
    mei = UserFactory(username="mei")
    with transaction.atomic():
        start_thread_mentioning(mei)
    assert Notification.objects.filter(recipient=mei, kind=Kind.MENTION).count() == 1
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_reply_while_the_broker_is_down_answers_and_its_job_waits(
    client, fan, thread, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Me too"})
    assert response.status_code == 302
    assert thread.posts.count() == 2
    job = Job.objects.get()
    assert job.task == "forum.tasks.tell_followers" and job.attempts == 1 and job.last_error
    assert replies_told(thread.author) == 0


@pytest.mark.django_db
def test_a_waiting_job_is_relayed_once_the_broker_answers_and_twice_tells_once(
    client, fan, thread, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Me too"})
    job = Job.objects.get()
    broker_back()
    relay.relay_waiting_jobs(everything=True)
    assert replies_told(thread.author) == 1 and not Job.objects.exists()
    job.save(force_insert=True)  # as if the relay had died after sending, before deleting the row
    relay.relay_waiting_jobs(everything=True)
    assert replies_told(thread.author) == 1 and not Job.objects.exists()


@pytest.mark.django_db
def test_the_beat_leaves_a_new_job_to_its_own_request_for_a_while(
    thread, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # committed, not sent yet
        posting.reply(thread=thread, author=UserFactory(), source="Me too")
    assert relay.relay_waiting_jobs() == 0
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_the_command_shows_what_waits_and_relays_it(thread, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply(thread=thread, author=UserFactory(), source="Me too")
    out = StringIO()
    call_command("outbox", stdout=out)
    assert "jobs waiting: 1" in out.getvalue()
    broker_back()
    out = StringIO()
    call_command("outbox", "--relay", stdout=out)
    assert "jobs waiting: 0" in out.getvalue()
    assert replies_told(thread.author) == 1


@pytest.mark.django_db
def test_healthz_says_how_many_jobs_wait(client, thread, broker_down, django_capture_on_commit_callbacks):
    assert client.get("/healthz").json()["jobs_waiting"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply(thread=thread, author=UserFactory(), source="Me too")
    assert client.get("/healthz").json()["jobs_waiting"] == 1
