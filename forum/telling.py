"""Telling a thread's followers about its new replies, and authors about their likes: one job per
thread at a time.

On Friday at 17:00 the announcement thread gets replies and likes every
second and hundreds of followers. A job per reply would walk the followers,
open a transaction and clear their unread counts once per reply, and a job
per like costs the worker a task, a transaction and a mail lookup for one
row; here the replies and likes that arrive while a job waits or runs are
told together, by the next run.

1. A reply or a like records itself in its own transaction (``record``,
   ``record_like``): an ``UntoldReply`` or ``UntoldLike`` row, and the
   thread's ``ThreadTelling`` row, which says a job is queued. Only the one
   that creates that row queues the job (through the outbox, so it commits
   with it). Replies and likes in one thread already wait for each other on
   the thread's row (forum.posting, forum.liking: both UPDATE it first), so
   two never both create it.
2. The job (``tell``) takes the ThreadTelling row's lock, which waits for
   every reply or like that has touched it and not committed yet (each
   UPDATEs it), and reads the untold ones. None left: it deletes the row and
   stops, and the next reply or like creates it again. Otherwise it tells
   about them (forum.notifying: one walk over the followers for all the
   replies; one INSERT for all the likes' notifications), deletes their
   rows, and queues itself again FORUM_TELLING_SECONDS later for what
   arrived meanwhile. A quiet thread's reply or like is told at once; a
   busy thread's are told every few seconds.
3. A job lost after the commit (a worker killed) leaves the rows: the beat
   (``tell_forgotten``) queues a job for every ThreadTelling row nobody has
   touched for FORUM_TELLING_STALE_SECONDS, under the next ``run`` number:
   each job carries the number it was queued with and stops if the row has
   another, so a thread is told by one chain of jobs at a time.

The replies a run tells about are one notification per follower ("12
replies in …", notifications.delivery.notify_consolidated), and a follower
is mailed only for the first unread one: not a row and a mail per reply.
Likes stay one notification per (post, liker), as before: an author hears of
each liker once, however often they take it back and like again, and the
notifications page shows a post's likes as one line.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import outbox
from forum import notifying
from forum.models import Post, ThreadTelling, UntoldLike, UntoldReply

logger = logging.getLogger(__name__)

TASK = "forum.tasks.tell_followers"
# Replies, and likes, told about in one run; a longer backlog is told by the next runs.
BATCH = 200


def record(post: Post) -> None:
    """Call in the reply's transaction, after the thread's row is locked by the reply's UPDATE."""
    UntoldReply.objects.bulk_create([UntoldReply(post=post, thread_id=post.thread_id)])
    _touch(post.thread_id, "replies")


def record_like(*, post: Post, user_id: int) -> None:
    """Call in the like's transaction, after the thread's row is locked by the like's UPDATE
    (forum.pagecache.post_changed) and before the liker's (the order forum.posting takes them in)."""
    # A like taken back and given again before the job ran is still one untold like.
    UntoldLike.objects.bulk_create(
        [UntoldLike(post=post, user_id=user_id, thread_id=post.thread_id)], ignore_conflicts=True
    )
    _touch(post.thread_id, "likes")


def _touch(thread_id: int, counted: str) -> None:
    # The UPDATE locks the row until this transaction commits: a job about to read the untold replies and
    # likes waits for this one (step 2). No row: no job is queued, or one has just finished.
    if not ThreadTelling.objects.filter(thread_id=thread_id).update(**{counted: F(counted) + 1}):
        ThreadTelling.objects.create(
            thread_id=thread_id,
            queued_at=timezone.now(),
            run=0,
            replies=int(counted == "replies"),
            likes=int(counted == "likes"),
        )
        outbox.enqueue(TASK, thread_id, 0)


def tell(*, thread_id: int, run: int) -> int:
    """Tell the followers of ``thread_id`` about its untold replies and the authors about its untold likes
    (step 2); returns how many replies and likes.

    ``run`` is the number the job was queued with: a job whose number is no
    longer the row's stops, so a job thought lost that turns up after all
    does not start a second chain beside its stand-in's.
    """
    with transaction.atomic():
        telling = ThreadTelling.objects.select_for_update().filter(thread_id=thread_id).first()
        if telling is None or telling.run != run:
            return 0  # another run has finished the thread, or took it over
        post_ids = list(
            UntoldReply.objects.filter(thread_id=thread_id)
            .order_by("post_id")
            .values_list("post_id", flat=True)[:BATCH]
        )
        like_ids = list(
            UntoldLike.objects.filter(thread_id=thread_id).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not post_ids and not like_ids:
            telling.delete()
            return 0
        ThreadTelling.objects.filter(thread_id=thread_id).update(
            queued_at=timezone.now(), replies=0, likes=0, run=run + 1
        )
    # Outside the telling row's lock: replies and likes go on while they are told. They are told and marked
    # told in one transaction, under their own rows' locks: a run that dies tells nothing, and a stand-in
    # running at the same time waits, then finds them told.
    with transaction.atomic():
        if post_ids:
            post_ids = list(
                UntoldReply.objects.select_for_update()
                .filter(post_id__in=post_ids)
                .order_by("post_id")
                .values_list("post_id", flat=True)
            )
        if post_ids:
            notifying.notify_about_posts(thread_id=thread_id, post_ids=post_ids, consolidate=True)
            UntoldReply.objects.filter(post_id__in=post_ids).delete()
        likes = []
        if like_ids:
            likes = list(
                UntoldLike.objects.select_for_update()
                .filter(pk__in=like_ids)
                .order_by("pk")
                .values_list("pk", "post_id", "user_id")
            )
        if likes:
            notifying.notify_about_likes(thread_id=thread_id, likes=[(post, user) for _pk, post, user in likes])
            UntoldLike.objects.filter(pk__in=[pk for pk, _post, _user in likes]).delete()
    # The next run finds what arrived meanwhile, or deletes the row. Not if a stand-in took over. A
    # transaction of its own: holding the telling row while the one above writes and commits (checking its
    # notifications' accounts) would make every reply to the thread wait for it.
    with transaction.atomic():
        if ThreadTelling.objects.filter(thread_id=thread_id, run=run + 1).update(queued_at=timezone.now()):
            outbox.enqueue_in(settings.FORUM_TELLING_SECONDS, TASK, thread_id, run + 1)
    return len(post_ids) + len(likes)


def tell_forgotten(*, now=None) -> int:
    """Queue a job for every thread whose telling nobody has touched for FORUM_TELLING_STALE_SECONDS
    (step 3). Returns how many were queued."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.FORUM_TELLING_STALE_SECONDS)
    queued = 0
    with transaction.atomic():
        for telling in ThreadTelling.objects.select_for_update(skip_locked=True).filter(queued_at__lt=stale)[:1000]:
            # Moved forward: another beat, or this one a minute later, does not queue it again meanwhile.
            ThreadTelling.objects.filter(pk=telling.pk).update(queued_at=now, run=telling.run + 1)
            outbox.enqueue(TASK, telling.thread_id, telling.run + 1)
            queued += 1
    if queued:
        logger.warning("Queued %s reply and like notification jobs that were lost", queued)
    return queued
