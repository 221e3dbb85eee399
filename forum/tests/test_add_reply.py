"""add_reply: a reply Canyu writes in someone's name inside another process's transaction
(a poll's result): counters as for a reply, no lock check, no follow, nobody told."""

import pytest
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import following, moderation, posting
from forum.models import Board, Thread, ThreadFollow
from forum.tests.factories import make_thread
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_add_reply_moves_the_counters_like_a_reply(django_capture_on_commit_callbacks):
    thread, author = make_thread(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post = posting.add_reply(thread=thread, author=author, source="**Poll closed**")
    thread = Thread.objects.get(pk=thread.pk)
    assert (thread.reply_count, thread.last_poster, post.thread_id) == (1, author, thread.pk)
    assert "<strong>Poll closed</strong>" in post.html
    assert Board.objects.get(pk=thread.board_id).post_count == 2
    assert User.objects.get(pk=author.pk).post_count == 1


def test_add_reply_posts_in_a_locked_thread():
    thread = make_thread()
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="lock")
    with transaction.atomic():
        posting.add_reply(thread=thread, author=UserFactory(), source="The result")
    assert thread.posts.count() == 2


def test_add_reply_tells_no_follower_and_makes_the_author_follow_nothing(django_capture_on_commit_callbacks):
    thread, follower, author = make_thread(), UserFactory(), UserFactory()
    following.follow_thread(user=follower, thread=thread)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        posting.add_reply(thread=thread, author=author, source="The result, @" + follower.username)
    assert not Notification.objects.filter(recipient=follower).exists()
    assert not ThreadFollow.objects.filter(thread=thread, user=author).exists()


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a caller that forgot one
def test_add_reply_needs_the_callers_transaction():
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        posting.add_reply(thread=make_thread(), author=UserFactory(), source="Alone")
