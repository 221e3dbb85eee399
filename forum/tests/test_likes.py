import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum import liking, posting, tasks
from forum.models import Like, Post
from forum.tests.factories import make_thread
from notifications.models import Kind, Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def test_liking_twice_toggles_back(client):
    post = make_thread().posts.get()
    fan = UserFactory()
    client.force_login(fan)
    client.post(reverse("forum:like", args=[post.pk]))
    assert Post.objects.get(pk=post.pk).like_count == 1 and Like.objects.count() == 1
    client.post(reverse("forum:like", args=[post.pk]))
    assert Post.objects.get(pk=post.pk).like_count == 0 and Like.objects.count() == 0


def test_you_cannot_like_your_own_post(client):
    thread = make_thread()
    client.force_login(thread.author)
    response = client.post(reverse("forum:like", args=[thread.posts.get().pk]), follow=True)
    assert Like.objects.count() == 0
    assert response.status_code == 200


def test_liking_needs_post_and_login(client):
    post = make_thread().posts.get()
    assert client.get(reverse("forum:like", args=[post.pk])).status_code in (302, 405)
    assert client.post(reverse("forum:like", args=[post.pk])).status_code == 302
    assert Like.objects.count() == 0


def test_recount_repairs_a_drifted_counter():
    post = make_thread().posts.get()
    liking.toggle_like(post=post, user=UserFactory())
    Post.objects.filter(pk=post.pk).update(like_count=7)
    assert liking.recount_likes() == 1
    assert Post.objects.get(pk=post.pk).like_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_keep_the_count_equal_to_the_rows():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    post = make_thread().posts.get()
    fans = [UserFactory() for _ in range(8)]
    # Each fan taps twice at once: the unique constraint lets one like win.
    run_at_once([lambda fan=fan: liking.toggle_like(post=post, user=fan) for fan in fans for _ in range(2)])
    assert Post.objects.get(pk=post.pk).like_count == Like.objects.filter(post=post).count()


def test_a_like_tells_the_author_once_per_liker_however_often_they_like_again(django_capture_on_commit_callbacks):
    post = make_thread().posts.get()
    fan = UserFactory()
    for _ in range(3):  # like, unlike, like
        with django_capture_on_commit_callbacks(execute=True):
            liking.toggle_like(post=post, user=fan)
    [notification] = Notification.objects.all()
    assert (notification.recipient_id, notification.kind, notification.actor_id) == (post.author_id, Kind.LIKE, fan.pk)
    assert notification.group == f"like:post:{post.pk}" and notification.url == post.get_absolute_url()


def test_a_like_taken_back_before_the_task_runs_tells_no_one():
    post = make_thread().posts.get()
    fan = UserFactory()
    liking.toggle_like(post=post, user=fan)
    liking.toggle_like(post=post, user=fan)
    tasks.notify_about_like(post.pk, fan.pk)
    assert not Notification.objects.exists()


def test_likes_are_not_mailed_unless_asked(django_capture_on_commit_callbacks, mailoutbox):
    post = make_thread().posts.get()
    with django_capture_on_commit_callbacks(execute=True):
        liking.toggle_like(post=post, user=UserFactory())
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_fan_liking_and_replying_in_one_thread_at_once_never_deadlocks():
    """A reply and a like take the thread's row and then the fan's in the same order (the storm benchmark
    found a reply that took the fan's row first deadlocked with the same fan's like)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    thread = make_thread(replies=3, repliers=[UserFactory()])
    posts = list(thread.posts.order_by("floor"))
    fans = [UserFactory() for _ in range(4)]
    for round_number in range(3):
        run_at_once(
            [
                call
                for number, fan in enumerate(fans)
                for call in (
                    lambda fan=fan, number=number, round_number=round_number: posting.reply(
                        thread=thread, author=fan, source=f"Round {round_number}, fan {number}"
                    ),
                    lambda fan=fan, round_number=round_number: liking.toggle_like(post=posts[round_number], user=fan),
                )
            ]
        )
    assert Post.objects.filter(thread=thread).count() == 4 + 3 * len(fans)


def test_a_like_sends_the_fan_straight_back_to_the_post_on_its_page(client):
    thread = make_thread(replies=25, repliers=[UserFactory()])
    first, late = thread.posts.get(floor=1), thread.posts.get(floor=25)
    client.force_login(UserFactory())
    # One redirect, to the page and the post (not to the post's permalink, which would redirect again).
    assert client.post(reverse("forum:like", args=[first.pk]))["Location"] == f"/t/{thread.pk}/#p{first.pk}"
    assert client.post(reverse("forum:like", args=[late.pk]))["Location"] == f"/t/{thread.pk}/?page=2#p{late.pk}"
