"""Every cached forum counter can be rebuilt from its rows."""

import pytest
from django.core.management import call_command

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking, moderation, posting, recounting
from forum.models import Board, Post, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db


def test_recount_threads_repairs_a_drifted_reply_count():
    thread = make_thread(replies=3)
    Thread.objects.filter(pk=thread.pk).update(reply_count=99)
    assert recounting.recount_threads() == 1
    thread.refresh_from_db()
    assert thread.reply_count == 3


def test_recount_threads_leaves_deleted_posts_out():
    thread = make_thread(replies=2)
    posting.delete_post(post=thread.posts.order_by("id").last(), actor=thread.author)
    Thread.objects.filter(pk=thread.pk).update(reply_count=2)
    recounting.recount_threads()
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_recount_threads_repairs_a_drifted_last_floor_counting_deleted_posts():
    thread = make_thread(replies=2)
    posting.delete_post(post=thread.posts.get(floor=3), actor=thread.author)
    Thread.objects.filter(pk=thread.pk).update(last_floor=9)
    assert recounting.recount_threads() == 1
    thread.refresh_from_db()
    assert thread.last_floor == 3


def test_recount_boards_repairs_both_totals():
    board = BoardFactory()
    make_thread(board=board, replies=2)
    make_thread(board=board)
    Board.objects.filter(pk=board.pk).update(thread_count=0, post_count=0)
    assert recounting.recount_boards() == 2
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (2, 4)


def test_recount_user_posts_repairs_a_drifted_count():
    author = UserFactory()
    make_thread(author=author, replies=2)
    type(author).objects.filter(pk=author.pk).update(post_count=0)
    recounting.recount_user_posts()
    author.refresh_from_db()
    assert author.post_count == 3


def test_a_correct_forum_needs_no_correction():
    thread = make_thread(replies=2)
    liking.toggle_like(post=thread.posts.first(), user=UserFactory())
    assert recounting.recount_all() == {"boards": 0, "threads": 0, "users": 0, "likes": 0}


def test_recount_recent_repairs_recent_activity():
    thread = make_thread(replies=1)
    Post.objects.filter(thread=thread).update(like_count=5)
    Thread.objects.filter(pk=thread.pk).update(reply_count=7)
    result = recounting.recount_recent()
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert result["likes"] == 2
    assert set(Post.objects.filter(thread=thread).values_list("like_count", flat=True)) == {0}


def test_recount_forum_command_reports_corrections(capsys):
    thread = make_thread(replies=1)
    Thread.objects.filter(pk=thread.pk).update(reply_count=0)
    call_command("recount_forum")
    assert "threads: 1 corrected" in capsys.readouterr().out


def test_hidden_posts_counts_posts_hidden_and_not_deleted():
    thread = make_thread(replies=3)
    moderator = UserFactory(roles=[Role.MODERATOR])
    first, second, third = thread.posts.order_by("id")[1:4]
    moderation.set_post_hidden(post=first, moderator=moderator, hidden=True)
    moderation.set_post_hidden(post=second, moderator=moderator, hidden=True)
    posting.delete_post(post=second, actor=moderator)  # hidden, then deleted
    posting.delete_post(post=third, actor=moderator)
    moderation.set_post_hidden(post=third, moderator=moderator, hidden=True)  # deleted, then hidden
    thread.refresh_from_db()
    assert (thread.reply_count, thread.hidden_posts) == (1, 1)
    assert recounting.recount_threads() == 0


def test_recount_threads_repairs_a_drifted_hidden_posts():
    thread = make_thread(replies=1)
    Thread.objects.filter(pk=thread.pk).update(hidden_posts=5)
    assert recounting.recount_threads() == 1
    thread.refresh_from_db()
    assert thread.hidden_posts == 0
