"""One follower-notification job per thread at a time (forum.telling)."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum import following, posting, telling
from forum.models import Post, Thread, ThreadTelling, UntoldReply
from forum.tests.factories import make_thread
from notifications.models import Kind, Notification
from outbox.models import Job

pytestmark = pytest.mark.usefixtures("in_english")


def told(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user, kind=Kind.REPLY).values_list("key", flat=True))


def jobs() -> list[tuple]:
    """The follower-notification jobs queued (not the e-mails)."""
    return list(Job.objects.filter(task=telling.TASK).order_by("pk").values_list("task", "args", "countdown"))


@pytest.fixture
def quiet_thread(db):
    """A thread with one follower besides its author, told about nothing yet."""
    thread = make_thread()
    follower = UserFactory(username="mei")
    following.follow_thread(user=follower, thread=thread)
    return thread, follower


@pytest.mark.django_db
def test_replies_that_arrive_while_a_job_waits_queue_no_other(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    with django_capture_on_commit_callbacks(execute=False):  # committed, the job not sent yet
        posts = [posting.reply(thread=thread, author=UserFactory(), source=f"Reply {n}") for n in range(3)]
    assert jobs() == [("forum.tasks.tell_followers", [thread.pk, 0], 0)]
    assert set(UntoldReply.objects.values_list("post_id", flat=True)) == {post.pk for post in posts}
    assert ThreadTelling.objects.get(thread=thread).replies == 3
    assert told(follower) == set()


@pytest.mark.django_db
def test_a_run_tells_every_untold_reply_at_once_then_looks_again_later(quiet_thread):
    thread, follower = quiet_thread
    with transaction.atomic():
        posts = [posting.add_reply(thread=thread, author=UserFactory(), source=f"Reply {n}") for n in range(3)]
        for post in posts:
            telling.record(post)
    Job.objects.all().delete()

    assert telling.tell(thread_id=thread.pk, run=0) == 3
    # One notification for the three: "3 replies in …", leading to the first, naming the latest.
    [line] = Notification.objects.filter(recipient=follower, kind=Kind.REPLY)
    assert line.key == f"replies:{posts[0].pk}" and line.count == 3 and line.url == posts[0].get_absolute_url()
    assert line.message == f"3 replies in “{thread.title}”" and line.actor_id == posts[-1].author_id
    assert not UntoldReply.objects.exists()
    # What arrives meanwhile is told by the next run, a few seconds later, under the next number.
    assert ThreadTelling.objects.get(thread=thread).run == 1
    assert jobs() == [("forum.tasks.tell_followers", [thread.pk, 1], 2)]
    # Nothing new: the row goes, and the next reply queues a job of its own.
    assert telling.tell(thread_id=thread.pk, run=1) == 0
    assert not ThreadTelling.objects.exists()


@pytest.mark.django_db
def test_a_quiet_threads_reply_is_told_at_once(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    with django_capture_on_commit_callbacks(execute=True):
        post = posting.reply(thread=thread, author=UserFactory(), source="First!")
    assert told(follower) == {f"replies:{post.pk}"}
    assert not UntoldReply.objects.exists() and not ThreadTelling.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = posting.reply(thread=thread, author=UserFactory(), source="Second!")
    assert told(follower) == {f"replies:{post.pk}", f"replies:{second.pk}"}


@pytest.mark.django_db
def test_no_one_is_told_of_their_own_reply_and_a_mention_once(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    replier = UserFactory()
    following.follow_thread(user=replier, thread=thread)
    with django_capture_on_commit_callbacks(execute=False):
        own = posting.reply(thread=thread, author=replier, source="Mine")
        mention = posting.reply(thread=thread, author=UserFactory(), source="@mei look")
    telling.tell(thread_id=thread.pk, run=0)
    # The run's one notification each (keyed by the run's first reply), about what is theirs to know.
    [theirs] = Notification.objects.filter(recipient=replier, kind=Kind.REPLY)
    assert theirs.count == 1 and theirs.url == mention.get_absolute_url()
    [hers] = Notification.objects.filter(recipient=follower, kind=Kind.REPLY)
    assert hers.count == 1 and hers.url == own.get_absolute_url()
    assert Notification.objects.filter(recipient=follower, kind=Kind.MENTION, key=f"mention:{mention.pk}").exists()


@pytest.mark.django_db
def test_a_job_of_an_older_run_does_nothing(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    with django_capture_on_commit_callbacks(execute=False):
        posting.reply(thread=thread, author=UserFactory(), source="A reply")
    ThreadTelling.objects.update(run=5)  # a stand-in took over
    assert telling.tell(thread_id=thread.pk, run=0) == 0
    assert told(follower) == set() and UntoldReply.objects.count() == 1
    assert telling.tell(thread_id=thread.pk, run=5) == 1


@pytest.mark.django_db
@override_settings(FORUM_TELLING_STALE_SECONDS=60)
def test_the_beat_queues_a_new_job_for_a_lost_one(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    with django_capture_on_commit_callbacks(execute=False):
        post = posting.reply(thread=thread, author=UserFactory(), source="A reply")
    Job.objects.all().delete()  # the job was sent, then the worker that took it was killed
    assert telling.tell_forgotten() == 0  # not yet: a job may be running
    later = timezone.now() + timedelta(seconds=61)
    assert telling.tell_forgotten(now=later) == 1
    assert jobs() == [("forum.tasks.tell_followers", [thread.pk, 1], 0)]
    assert telling.tell_forgotten(now=later) == 0  # moved forward: queued once
    # The lost job turning up after all does nothing; its stand-in tells.
    assert telling.tell(thread_id=thread.pk, run=0) == 0
    assert telling.tell(thread_id=thread.pk, run=1) == 1
    assert told(follower) == {f"replies:{post.pk}"}


@pytest.mark.django_db
def test_a_hidden_reply_is_not_told_and_leaves_no_row(quiet_thread, django_capture_on_commit_callbacks):
    thread, follower = quiet_thread
    with django_capture_on_commit_callbacks(execute=False):
        post = posting.reply(thread=thread, author=UserFactory(), source="Spam")
    Post.objects.filter(pk=post.pk).update(hidden=True)
    telling.tell(thread_id=thread.pk, run=0)
    assert told(follower) == set() and not UntoldReply.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_reply_committing_while_the_job_reads_is_told_by_it(in_english):
    """The job waits for a reply that has touched the thread's telling row and not committed; it must not
    delete the row and leave that reply untold (PostgreSQL: SQLite runs one writer at a time)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; tested on PostgreSQL")
    thread = make_thread()
    follower = UserFactory(username="mei")
    following.follow_thread(user=follower, thread=thread)
    replier = UserFactory()
    # A job is queued for the thread's first reply, not run yet (rows written as record() writes them,
    # without the job, which the test runs itself).
    with transaction.atomic():
        first = posting.add_reply(thread=thread, author=replier, source="First")
        UntoldReply.objects.create(post=first, thread=thread)
        ThreadTelling.objects.create(thread=thread, run=0)
    recorded, finish = threading.Event(), threading.Event()
    errors = []

    def reply_slowly():
        try:
            with transaction.atomic():
                post = posting.add_reply(thread=Thread.objects.get(pk=thread.pk), author=replier, source="Late")
                telling.record(post)
                recorded.set()
                finish.wait(10)
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    def run_job():
        try:
            recorded.wait(10)
            results.append(telling.tell(thread_id=thread.pk, run=0))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    results: list[int] = []
    workers = [threading.Thread(target=reply_slowly), threading.Thread(target=run_job)]
    for worker in workers:
        worker.start()
    recorded.wait(10)
    workers[1].join(0.5)
    assert workers[1].is_alive(), "the job must wait for the reply holding the telling row"
    finish.set()
    for worker in workers:
        worker.join(20)
    assert not errors, errors
    assert results == [2]
    # Both in the run's one notification: the late reply was not left out.
    [line] = Notification.objects.filter(recipient=follower, kind=Kind.REPLY)
    late = Post.objects.get(thread=thread, source="Late")
    assert line.count == 2 and line.key == f"replies:{first.pk}" and line.actor_id == late.author_id


@pytest.mark.django_db
def test_a_runs_line_names_its_latest_people_and_mails_once_per_unread_line(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    thread = make_thread(title="Battery life")
    fan = UserFactory(username="fanfan")  # a verified address; replies mailed right away by default
    following.follow_thread(user=fan, thread=thread)
    mei, rui, bo = (UserFactory(username=name) for name in ("meimei", "ruirui", "bobo"))
    with django_capture_on_commit_callbacks(execute=False):
        for number, author in enumerate((mei, rui, mei, bo)):
            posting.reply(thread=thread, author=author, source=f"Reply {number} by {author.username}")
    with django_capture_on_commit_callbacks(execute=True):
        telling.tell(thread_id=thread.pk, run=0)
    assert len([mail for mail in mailoutbox if fan.email in mail.to]) == 1
    # A second run while the first line is unread: a second line, no second mail.
    with django_capture_on_commit_callbacks(execute=False):
        posting.reply(thread=thread, author=rui, source="Again")
    with django_capture_on_commit_callbacks(execute=True):
        telling.tell(thread_id=thread.pk, run=ThreadTelling.objects.get(thread=thread).run)
    assert len([mail for mail in mailoutbox if fan.email in mail.to]) == 1
    assert Notification.objects.filter(recipient=fan, kind=Kind.REPLY).count() == 2

    client.force_login(fan)
    page = " ".join(re.sub(r"<[^>]+>", "", client.get(reverse("notifications:list")).content.decode()).split())
    assert "5 replies in “Battery life”" in page
    assert page.index("ruirui") < page.index("bobo") < page.index("meimei")
