"""Unread marks: how far each signed-in fan has read each thread."""

from django.utils import timezone

from canyu import outages
from forum import pagecache
from forum.models import Post, Thread, ThreadRead


def mark_read(*, user, thread: Thread, post: Post) -> None:
    """Move the fan's mark forward to `post` (never back).

    One SELECT; a write only when the mark moves: an UPDATE guarded by the old
    value, or an INSERT ... ON CONFLICT DO NOTHING the first time.
    """
    mark = ThreadRead.objects.filter(user=user, thread=thread).values_list("last_read_post_id", flat=True).first()
    move_read_mark(user_id=user.pk, thread_id=thread.pk, post_id=post.pk, mark=mark)


def move_read_mark(*, user_id: int, thread_id: int, post_id: int, mark: int | None) -> None:
    """Move the mark, last read as ``mark`` (None: never read), forward to ``post_id``; no write if it
    is there already. The UPDATE is guarded by the old value, so a reader with two tabs never moves it back."""
    now = timezone.now()
    if mark is not None and mark >= post_id:
        return
    # Written while the page is read: a read-only database (a fail-over) skips it, the page is still shown.
    with outages.skipped_when_read_only("moving a reader's unread mark"):
        if mark is None:
            ThreadRead.objects.bulk_create(
                [ThreadRead(user_id=user_id, thread_id=thread_id, last_read_post_id=post_id, last_read_at=now)],
                ignore_conflicts=True,
            )
        else:
            ThreadRead.objects.filter(user_id=user_id, thread_id=thread_id, last_read_post_id__lt=post_id).update(
                last_read_post_id=post_id, last_read_at=now
            )
        pagecache.forget_reader(user_id)  # their pages show the new mark (forum.shells)


def first_unread_post(user, thread: Thread, posts):
    """The first post after the fan's mark among `posts` (a visible-posts queryset), or the last post."""
    mark = ThreadRead.objects.filter(user=user, thread=thread).values_list("last_read_post_id", flat=True).first()
    posts = posts.order_by("id")
    return posts.filter(id__gt=mark or 0).first() or posts.last()
