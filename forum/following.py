"""Following threads: who hears about new replies.

A thread's author follows it from the start and a fan who replies follows it
from then on (forum.posting calls ``follow_thread``); anyone who can read a
thread may follow or unfollow it by hand. Unfollowing deletes the row, so a
later reply follows the thread again: there is no "muted" state (yet).

Both functions are idempotent, whatever runs at the same time: the unique
(thread, user) constraint decides, not a check in Python.
"""

from django.db import transaction

from forum import pagecache
from forum.models import Thread, ThreadFollow


def follow_thread(*, user, thread: Thread) -> None:
    """Make ``user`` follow ``thread``; following twice changes nothing.

    Not durable: forum.posting calls it inside its own transaction, so the
    follow commits (or not) with the post.
    """
    with transaction.atomic(savepoint=False):
        # INSERT ... ON CONFLICT DO NOTHING: one statement, no savepoint (it cannot fail on a duplicate, so
        # nothing needs rolling back to one), and a double tap or a concurrent reply cannot raise
        # IntegrityError.
        ThreadFollow.objects.bulk_create([ThreadFollow(thread=thread, user=user)], ignore_conflicts=True)
        pagecache.forget_reader(user.pk)


@transaction.atomic(durable=True)
def unfollow_thread(*, user, thread: Thread) -> bool:
    """Stop following; returns whether there was anything to stop."""
    deleted, _ = ThreadFollow.objects.filter(thread=thread, user=user).delete()
    pagecache.forget_reader(user.pk)
    return bool(deleted)


def is_following(user, thread: Thread) -> bool:
    """One query (the unique constraint's index); False for anonymous visitors, without a query."""
    if not user.is_authenticated:
        return False
    return ThreadFollow.objects.filter(thread=thread, user=user).exists()
