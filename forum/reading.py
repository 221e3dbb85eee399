"""Unread marks: how far each signed-in fan has read each thread."""

from django.utils import timezone

from forum.models import Post, Thread, ThreadRead


def mark_read(*, user, thread: Thread, post: Post) -> None:
    """Move the fan's mark forward to `post` (never back).

    One SELECT; a write only when the mark moves: an UPDATE guarded by the old
    value, or an INSERT ... ON CONFLICT DO NOTHING the first time.
    """
    now = timezone.now()
    mark = ThreadRead.objects.filter(user=user, thread=thread).values_list("last_read_post_id", flat=True).first()
    if mark is None:
        ThreadRead.objects.bulk_create(
            [ThreadRead(user=user, thread=thread, last_read_post_id=post.pk, last_read_at=now)],
            ignore_conflicts=True,
        )
    elif mark < post.pk:
        ThreadRead.objects.filter(user=user, thread=thread, last_read_post_id__lt=post.pk).update(
            last_read_post_id=post.pk, last_read_at=now
        )


def first_unread_post(user, thread: Thread, posts):
    """The first post after the fan's mark among `posts` (a visible-posts queryset), or the last post."""
    mark = ThreadRead.objects.filter(user=user, thread=thread).values_list("last_read_post_id", flat=True).first()
    posts = posts.order_by("id")
    return posts.filter(id__gt=mark or 0).first() or posts.last()
