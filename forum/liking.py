"""Likes on posts: one per fan, never your own, counter equal to the rows."""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from forum import pagecache
from forum.models import Like, Post


class LikeRefused(Exception):
    pass


@transaction.atomic(durable=True)
def toggle_like(*, post: Post, user) -> bool:
    """Like the post if the user has not, unlike it if they have; returns whether it is liked now.

    The unique constraint decides a race between two taps; the counter moves
    in the same transaction as the row, by the number of rows really changed.
    """
    if post.author_id == user.pk:
        raise LikeRefused(_("You cannot like your own post."))
    pagecache.forget_after_commit(thread_ids=[post.thread_id])
    deleted, _detail = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - deleted)
        return False
    try:
        with transaction.atomic():
            Like.objects.create(post=post, user=user)
    except IntegrityError:
        return True  # a concurrent tap already liked it
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
    return True


def recount_likes(post_ids=None) -> int:
    """Rebuild Post.like_count from the Like rows; returns how many posts were corrected."""
    counts = Like.objects.filter(post=OuterRef("pk")).values("post").annotate(n=Count("*")).values("n")
    posts = Post.objects.all() if post_ids is None else Post.objects.filter(pk__in=post_ids)
    actual = Coalesce(Subquery(counts), 0)
    return posts.annotate(actual=actual).exclude(like_count=F("actual")).update(like_count=actual)
