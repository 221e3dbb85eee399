"""One follower-notification job per thread at a time (forum.telling)."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum import following, liking, notifying, posting, telling
from forum.models import Like, Post, Thread, ThreadTelling, UntoldLike, UntoldReply
from forum.tests.factories import make_thread
from notifications.models import Kind, Notification
from outbox.models import Job

pytestmark = pytest.mark.usefixtures("in_english")


def told(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user, kind=Kind.REPLY).values_list("key", flat=True))


def jobs() -> list[tuple]:
    """The follower-notification jobs queued (not the e-mails)."""
    return list(Job.objects.filter(task=telling.TASK).order_by("pk").values_list("task", "args", "countdown"))


def job_waits_for(write, job):
    """Run ``write`` in a transaction held open in one thread and ``job`` in another once it has written;
    assert the job waits until the write commits, and return what the job returned (PostgreSQL)."""
    written, finish = threading.Event(), threading.Event()
    errors: list[Exception] = []
    results: list = []

    def hold():
        try:
            with transaction.atomic():
                write()
                written.set()
                finish.wait(10)
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
        finally:
            written.set()
            connection.close()

    def run():
        try:
            written.wait(10)
            results.append(job())
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=hold), threading.Thread(target=run)]
    for worker in workers:
        worker.start()
    written.wait(10)
    workers[1].join(0.5)
    waited = workers[1].is_alive()
    finish.set()
    for worker in workers:
        worker.join(20)
    assert not errors, errors
    assert waited, "the job must wait for the write holding the telling row"
    [result] = results
    return result


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

    def reply_late():
        post = posting.add_reply(thread=Thread.objects.get(pk=thread.pk), author=replier, source="Late")
        telling.record(post)

    assert job_waits_for(reply_late, lambda: telling.tell(thread_id=thread.pk, run=0)) == 2
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


# --- Likes: told by the same job, once per (post, liker) -------------------------------------


def liked(user) -> set[tuple]:
    return set(Notification.objects.filter(recipient=user, kind=Kind.LIKE).values_list("key", "group", "actor_id"))


@pytest.fixture
def two_posts(db):
    """A thread's first post and a reply, by two people, with nothing waiting to be told."""
    thread = make_thread(replies=1, repliers=[UserFactory()])
    UntoldReply.objects.all().delete()
    ThreadTelling.objects.all().delete()
    Job.objects.all().delete()
    return thread, list(thread.posts.order_by("floor"))


@pytest.mark.django_db
def test_likes_are_told_by_the_threads_one_job_once_per_post_and_liker(two_posts, django_capture_on_commit_callbacks):
    thread, posts = two_posts
    fans = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=False):  # committed, the job not sent yet
        for fan in fans:
            for post in posts:
                liking.toggle_like(post=post, user=fan)
    # Six likes, one job (not one a like), and six untold rows.
    assert jobs() == [("forum.tasks.tell_followers", [thread.pk, 0], 0)]
    assert not Job.objects.filter(task="forum.tasks.notify_about_like").exists()
    assert UntoldLike.objects.count() == 6 and ThreadTelling.objects.get(thread=thread).likes == 6
    assert not Notification.objects.filter(kind=Kind.LIKE).exists()

    assert telling.tell(thread_id=thread.pk, run=0) == 6
    for post in posts:
        # Each author once per liker, the post's likes one line of the page.
        assert liked(post.author) == {(f"like:{post.pk}:{fan.pk}", f"like:post:{post.pk}", fan.pk) for fan in fans}
    assert not UntoldLike.objects.exists()
    assert jobs()[-1] == ("forum.tasks.tell_followers", [thread.pk, 1], 2)
    assert telling.tell(thread_id=thread.pk, run=1) == 0 and not ThreadTelling.objects.exists()


@pytest.mark.django_db
def test_a_like_taken_back_before_the_run_is_not_told_and_one_given_again_is_told_once(
    two_posts, django_capture_on_commit_callbacks
):
    thread, [post, _reply] = two_posts
    stays, leaves = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):  # like, unlike, like
            liking.toggle_like(post=post, user=stays)
        for _ in range(2):  # like, unlike
            liking.toggle_like(post=post, user=leaves)
    assert UntoldLike.objects.count() == 2
    telling.tell(thread_id=thread.pk, run=0)
    assert liked(post.author) == {(f"like:{post.pk}:{stays.pk}", f"like:post:{post.pk}", stays.pk)}
    assert not UntoldLike.objects.exists()
    # Liked again after it was told: still once.
    with django_capture_on_commit_callbacks(execute=True):
        liking.toggle_like(post=post, user=stays)
        liking.toggle_like(post=post, user=stays)
    assert Notification.objects.filter(kind=Kind.LIKE).count() == 1


@pytest.mark.django_db
def test_the_likes_of_a_hidden_post_are_not_told_and_leave_no_row(two_posts, django_capture_on_commit_callbacks):
    thread, [post, reply] = two_posts
    fan = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        liking.toggle_like(post=post, user=fan)
        liking.toggle_like(post=reply, user=fan)
    Post.objects.filter(pk=reply.pk).update(hidden=True)
    assert telling.tell(thread_id=thread.pk, run=0) == 2
    assert liked(reply.author) == set() and len(liked(post.author)) == 1
    assert not UntoldLike.objects.exists()


@pytest.mark.django_db
def test_telling_likes_takes_the_same_queries_for_two_likes_or_twenty(two_posts):
    thread, posts = two_posts
    fans = [UserFactory() for _ in range(10)]
    Like.objects.bulk_create([Like(post=post, user=fan) for post in posts for fan in fans])

    def queries(likes) -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as context:
            assert notifying.notify_about_likes(thread_id=thread.pk, likes=likes) == len(likes)
        return len(context.captured_queries)

    assert queries([(post.pk, fans[0].pk) for post in posts]) == queries(
        [(post.pk, fan.pk) for post in posts for fan in fans]
    )


@pytest.mark.django_db(transaction=True)
def test_a_like_committing_while_the_job_reads_is_told_by_it(in_english):
    """The job waits for a like that has touched the thread's telling row and not committed; it must not
    delete the row and leave that like untold (PostgreSQL: SQLite runs one writer at a time)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; tested on PostgreSQL")
    thread = make_thread()
    post = thread.posts.get()
    early, late = UserFactory(), UserFactory()
    with transaction.atomic():
        Like.objects.create(post=post, user=early)
        UntoldLike.objects.create(post=post, user=early, thread=thread)
        ThreadTelling.objects.create(thread=thread, run=0, replies=0, likes=1)

    def like_late():
        Like.objects.create(post=post, user=late)
        telling.record_like(post=post, user_id=late.pk)

    assert job_waits_for(like_late, lambda: telling.tell(thread_id=thread.pk, run=0)) == 2
    assert {actor for _key, _group, actor in liked(thread.author)} == {early.pk, late.pk}
