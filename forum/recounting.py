"""Rebuild the forum's cached counters from the rows they count.

The counters move with F() in the same transaction as their rows
(forum.posting, forum.liking, forum.moderation); these functions are the
reconciliation that puts any drift right (a bug, a manual fix in the
database). Each is one UPDATE … WHERE counter <> actual, so a run that finds
nothing wrong writes nothing, and each returns how many rows it corrected.

What each counter means:
- Thread.reply_count: its posts not deleted, less the first post; Thread.hidden_posts: its posts
  hidden and not deleted; Thread.last_floor: all its posts, deleted and hidden too (floors run 1 to it).
- Board.thread_count: its threads (hidden ones too); Board.post_count: the
  posts not deleted in them.
- User.post_count: their posts not deleted.
- Post.like_count: its Like rows (forum.liking.recount_likes).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone

from canyu.counters import count_of, recount
from forum.liking import recount_likes
from forum.models import Board, Post, Thread

User = get_user_model()


def recount_threads(thread_ids=None) -> int:
    threads = Thread.objects.all() if thread_ids is None else Thread.objects.filter(pk__in=thread_ids)
    replies = Greatest(count_of(Post.objects.filter(deleted_at=None), "thread") - Value(1), Value(0))
    # reply_count and hidden_posts are what the thread's pages are fresh by (forum.pagecache.thread_fresh):
    # correcting one refreshes them.
    return (
        recount(threads, field="reply_count", actual=replies)
        + recount(
            threads, field="hidden_posts", actual=count_of(Post.objects.filter(deleted_at=None, hidden=True), "thread")
        )
        + recount(threads, field="last_floor", actual=count_of(Post.objects.all(), "thread"))
    )


def recount_boards() -> int:
    return recount(Board.objects.all(), field="thread_count", actual=count_of(Thread.objects.all(), "board")) + recount(
        Board.objects.all(), field="post_count", actual=count_of(Post.objects.filter(deleted_at=None), "thread__board")
    )


def recount_user_posts(user_ids=None) -> int:
    users = User.objects.all() if user_ids is None else User.objects.filter(pk__in=user_ids)
    return recount(users, field="post_count", actual=count_of(Post.objects.filter(deleted_at=None), "author"))


def recount_recent(*, since=timedelta(days=2)) -> dict[str, int]:
    """The nightly job: boards in full, and the threads, posts and authors of
    recent activity (a full pass over every user is `manage.py recount_forum`)."""
    cutoff = timezone.now() - since
    recent_posts = Post.objects.filter(created_at__gte=cutoff) | Post.objects.filter(deleted_at__gte=cutoff)
    return {
        "boards": recount_boards(),
        "threads": recount_threads(Thread.objects.filter(last_activity_at__gte=cutoff).values("pk")),
        "users": recount_user_posts(recent_posts.values("author_id")),
        "likes": recount_likes(recent_posts.values("pk")),
    }


def recount_all() -> dict[str, int]:
    return {
        "boards": recount_boards(),
        "threads": recount_threads(),
        "users": recount_user_posts(),
        "likes": recount_likes(),
    }
