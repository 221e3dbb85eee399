"""Likes on posts: one per fan, never your own, counter equal to the rows."""

from django.db import transaction
from django.utils.translation import gettext as _

from canyu import counters
from forum import pagecache, telling
from forum.models import Like, Post
from forum.ratelimits import hold_to_daily_cap
from honour import points


class LikeRefused(Exception):
    pass


@transaction.atomic(durable=True)
def toggle_like(*, post: Post, user) -> bool:
    """Like the post if the user has not, unlike it if they have; returns whether it is liked now.

    The unique constraint decides a race between two taps; the counter moves
    in the same transaction as the row, by the number of rows really changed.
    A like beyond the user's daily cap raises ratelimits.LimitReached and
    leaves nothing behind; taking a like back is always allowed.
    """
    if post.author_id == user.pk:
        raise LikeRefused(_("You cannot like your own post."))
    liked = counters.toggle_row(
        existing=Like.objects.filter(post=post, user=user),
        create=lambda: Like.objects.create(post=post, user=user),
        counted=Post.objects.filter(pk=post.pk),
        field="like_count",
    )
    # The post's row, then its thread's, as deleting and hiding take them (no deadlock between them).
    pagecache.post_changed(thread_id=post.thread_id, floor=post.floor)  # the pages that show it
    pagecache.forget_reader(user.pk)  # and the liker's own state on them, even on a copy served meanwhile
    if liked:
        # The author hears of it once per post and liker, by the thread's telling job (forum.telling): its
        # row after the thread's and before the liker's, as a reply takes them.
        telling.record_like(post=post, user_id=user.pk)
        # Then the liker's row (locked after the post's and the thread's, as when a post is deleted): the
        # refusal rolls the like, its counter, the version and the untold like back.
        hold_to_daily_cap(user=user, kind="like", rows=Like.objects.filter(user=user).exclude(post=post))
        # The author's points for it, in this transaction (capped, once per liker: honour.points).
        points.grant_points(user_id=post.author_id, kind=points.Kind.LIKED, cause=post, giver_id=user.pk)
    else:
        points.take_back_points(kind=points.Kind.LIKED, cause=post, giver_id=user.pk)
    return liked


def recount_likes(post_ids=None) -> int:
    """Rebuild Post.like_count from the Like rows; returns how many posts were corrected."""
    posts = Post.objects.all() if post_ids is None else Post.objects.filter(pk__in=post_ids)
    return counters.recount(posts, field="like_count", actual=counters.count_of(Like.objects.all(), "post"))
