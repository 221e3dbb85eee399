"""Following threads, and who is told about a new post."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import following, moderation, notifying, posting, tasks
from forum.models import ThreadFollow
from forum.tests.factories import BoardFactory, make_thread
from notifications.models import Kind, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def followers(thread):
    return set(ThreadFollow.objects.filter(thread=thread).values_list("user_id", flat=True))


def told(kind=None, key=None):
    """{recipient id: kind} of the notifications made."""
    rows = Notification.objects.all()
    if key:
        rows = rows.filter(key=key)
    return dict(rows.values_list("recipient_id", "kind"))


def reply_now(capture, thread, author, source="A reply"):
    """Reply, then run what is queued after commit (the fan-out task), as a worker would."""
    with capture(execute=True):
        return posting.reply(thread=thread, author=author, source=source)


# --- Following ----------------------------------------------------------------


def test_the_author_follows_a_thread_they_start():
    thread = make_thread()
    assert followers(thread) == {thread.author_id}


def test_replying_follows_the_thread_once():
    thread = make_thread()
    fan = UserFactory()
    posting.reply(thread=thread, author=fan, source="One")
    posting.reply(thread=thread, author=fan, source="Two")
    assert followers(thread) == {thread.author_id, fan.pk}


def test_following_twice_leaves_one_row():
    thread, fan = make_thread(), UserFactory()
    following.follow_thread(user=fan, thread=thread)
    following.follow_thread(user=fan, thread=thread)
    assert ThreadFollow.objects.filter(thread=thread, user=fan).count() == 1


def test_the_follow_button_follows_and_the_unfollow_button_unfollows(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:follow_thread", args=[thread.pk]))
    assert response.status_code == 302 and response.url == thread.get_absolute_url()
    assert fan.pk in followers(thread)
    assert client.post(reverse("forum:follow_thread", args=[thread.pk])).status_code == 302  # a double tap
    assert fan.pk in followers(thread)
    client.post(reverse("forum:unfollow_thread", args=[thread.pk]))
    assert fan.pk not in followers(thread)
    assert client.post(reverse("forum:unfollow_thread", args=[thread.pk])).status_code == 302
    assert fan.pk not in followers(thread)


def test_the_button_goes_back_to_the_page_it_was_on(client, fan):
    thread = make_thread()
    url = thread.get_absolute_url() + "?page=2"
    assert client.post(reverse("forum:follow_thread", args=[thread.pk]), {"next": url}).url == url
    evil = client.post(reverse("forum:follow_thread", args=[thread.pk]), {"next": "https://evil.example/"})
    assert evil.url == thread.get_absolute_url()


def test_following_needs_a_post_and_signing_in(client):
    thread = make_thread()
    assert client.get(reverse("forum:follow_thread", args=[thread.pk])).status_code == 405
    response = client.post(reverse("forum:follow_thread", args=[thread.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert followers(thread) == {thread.author_id}


def test_a_thread_you_cannot_read_cannot_be_followed(client, fan):
    board = BoardFactory(read_roles=[Group.objects.get(name=Role.MODERATOR.value)])
    thread = make_thread(board=board, author=UserFactory(roles=[Role.MODERATOR]))
    assert client.post(reverse("forum:follow_thread", args=[thread.pk])).status_code == 404
    assert fan.pk not in followers(thread)


def test_a_hidden_thread_cannot_be_followed(client, fan):
    thread = make_thread()
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    assert client.post(reverse("forum:follow_thread", args=[thread.pk])).status_code == 404


def test_the_thread_page_shows_follow_then_unfollow(client, fan):
    thread = make_thread()
    html = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("forum:follow_thread", args=[thread.pk]) in html
    following.follow_thread(user=fan, thread=thread)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("forum:unfollow_thread", args=[thread.pk]) in html
    assert reverse("forum:follow_thread", args=[thread.pk]) not in html


def test_anonymous_visitors_see_no_follow_button(client):
    thread = make_thread()
    assert "/follow/" not in client.get(thread.get_absolute_url()).content.decode()


# --- Who is told about a reply -------------------------------------------------


def test_a_reply_tells_the_followers_but_not_the_replier(django_capture_on_commit_callbacks):
    thread = make_thread(title="Battery life")
    follower, replier = UserFactory(), UserFactory(display_name="Rui")
    following.follow_thread(user=follower, thread=thread)
    post = reply_now(django_capture_on_commit_callbacks, thread, replier)
    assert told() == {thread.author_id: Kind.REPLY, follower.pk: Kind.REPLY}
    notification = Notification.objects.get(recipient=follower)
    assert notification.key == f"replies:{post.pk}" and notification.url == post.get_absolute_url()
    assert notification.message == "Rui replied in “Battery life”"


def test_the_fan_out_runs_after_commit_not_in_the_reply(django_capture_on_commit_callbacks):
    thread = make_thread()
    with django_capture_on_commit_callbacks() as callbacks:
        posting.reply(thread=thread, author=UserFactory(), source="A reply")
    assert not Notification.objects.exists()  # nothing yet: the task is queued for after commit
    for callback in callbacks:
        callback()
    assert told() == {thread.author_id: Kind.REPLY}


def test_a_mentioned_fan_is_told_about_the_mention(django_capture_on_commit_callbacks):
    thread = make_thread()
    UserFactory(username="mei")
    reply_now(django_capture_on_commit_callbacks, thread, UserFactory(), source="What do you think, @Mei?")
    mei = Notification.objects.get(kind=Kind.MENTION)
    assert mei.recipient.username == "mei"


def test_a_mentioned_follower_is_told_once_about_the_mention(django_capture_on_commit_callbacks):
    thread = make_thread()
    mei = UserFactory(username="mei")
    following.follow_thread(user=mei, thread=thread)
    reply_now(django_capture_on_commit_callbacks, thread, UserFactory(), source="@mei look")
    assert Notification.objects.filter(recipient=mei).count() == 1
    assert told()[mei.pk] == Kind.MENTION
    assert told()[thread.author_id] == Kind.REPLY


def test_mentioning_yourself_tells_no_one(django_capture_on_commit_callbacks):
    thread = make_thread()
    mei = UserFactory(username="mei")
    reply_now(django_capture_on_commit_callbacks, thread, mei, source="note to @mei")
    assert mei.pk not in told()


def test_a_mention_in_a_new_thread_is_told(django_capture_on_commit_callbacks):
    mei = UserFactory(username="mei")
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(source="Hello @mei")
    assert told() == {mei.pk: Kind.MENTION}  # and no "replied" for the first post
    assert followers(thread) == {thread.author_id}


def test_a_thread_hidden_before_the_task_runs_tells_no_one(django_capture_on_commit_callbacks):
    thread = make_thread()
    UserFactory(username="mei")
    post = posting.reply(thread=thread, author=UserFactory(), source="@mei hello")  # task not run yet
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    tasks.notify_about_post(post.pk)
    assert not Notification.objects.exists()


def test_a_post_hidden_before_the_task_runs_tells_no_one():
    thread = make_thread()
    post = posting.reply(thread=thread, author=UserFactory(), source="spam")
    moderation.set_post_hidden(post=post, moderator=UserFactory(roles=[Role.MODERATOR]), hidden=True)
    tasks.notify_about_post(post.pk)
    assert not Notification.objects.exists()


def test_a_follower_who_can_no_longer_read_the_board_is_not_told(django_capture_on_commit_callbacks):
    insiders = Group.objects.get(name=Role.ENGINEER.value)
    board = BoardFactory(read_roles=[insiders])
    author, leaver = UserFactory(roles=[Role.ENGINEER]), UserFactory(roles=[Role.ENGINEER])
    thread = make_thread(board=board, author=author)
    following.follow_thread(user=leaver, thread=thread)
    UserFactory(username="outsider")
    leaver.groups.remove(insiders)
    reply_now(django_capture_on_commit_callbacks, thread, UserFactory(roles=[Role.ENGINEER]), source="@outsider hi")
    assert told() == {author.pk: Kind.REPLY}


def test_a_retried_fan_out_tells_each_follower_once(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(notifying, "FOLLOWER_BATCH", 2)  # 5 followers: three batches
    thread = make_thread()
    fans = [UserFactory() for _ in range(4)]
    for fan in fans:
        following.follow_thread(user=fan, thread=thread)
    post = reply_now(django_capture_on_commit_callbacks, thread, UserFactory())
    tasks.notify_about_post(post.pk)  # redelivered
    assert Notification.objects.filter(key=f"post:{post.pk}").count() == 5
    assert set(told()) == {thread.author_id, *(fan.pk for fan in fans)}


def test_a_reply_mails_followers_who_want_it_right_away(django_capture_on_commit_callbacks, mailoutbox):
    thread = make_thread()
    reply_now(django_capture_on_commit_callbacks, thread, UserFactory())
    assert [message.to for message in mailoutbox] == [[thread.author.email]]
