"""Telling a thread's followers about its new replies: one job per thread at a time.

On Friday at 17:00 the announcement thread gets replies every second and
hundreds of followers. A job per reply would walk the followers, open a
transaction and clear their unread counts once per reply; here the replies
that arrive while a job waits or runs are told together, by the next run.

1. A reply records itself in its own transaction (``record``): an
   ``UntoldReply`` row, and the thread's ``ThreadTelling`` row, which says a
   job is queued. Only the reply that creates that row queues the job
   (through the outbox, so it commits with the reply). Replies to one thread
   already wait for each other on the thread's row (forum.posting), so two
   never both create it.
2. The job (``tell``) takes the ThreadTelling row's lock, which waits for
   every reply that has touched it and not committed yet (each UPDATEs it),
   and reads the untold replies. None left: it deletes the row and stops,
   and the next reply creates it again. Otherwise it tells about those
   replies (forum.notifying: one walk over the followers for all of them),
   deletes their rows, and queues itself again FORUM_TELLING_SECONDS later
   for what arrived meanwhile. A quiet thread's reply is told at once; a
   busy thread's followers get the new replies every few seconds.
3. A job lost after the commit (a worker killed) leaves the rows: the beat
   (``tell_forgotten``) queues a job for every ThreadTelling row nobody has
   touched for FORUM_TELLING_STALE_SECONDS, under the next ``run`` number:
   each job carries the number it was queued with and stops if the row has
   another, so a thread is told by one chain of jobs at a time.

The replies a run tells about are one notification per follower ("12
replies in …", notifications.delivery.notify_consolidated), and a follower
is mailed only for the first unread one: not a row and a mail per reply.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import outbox
from forum import notifying
from forum.models import Post, ThreadTelling, UntoldReply

logger = logging.getLogger(__name__)

TASK = "forum.tasks.tell_followers"
# Replies told about in one run; a longer backlog is told by the next runs.
BATCH = 200


def record(post: Post) -> None:
    """Call in the reply's transaction, after the thread's row is locked by the reply's UPDATE."""
    UntoldReply.objects.bulk_create([UntoldReply(post=post, thread_id=post.thread_id)])
    # The UPDATE locks the row until this transaction commits: a job about to read the untold replies
    # waits for this one (step 2). No row: no job is queued, or one has just finished.
    if not ThreadTelling.objects.filter(thread_id=post.thread_id).update(replies=F("replies") + 1):
        ThreadTelling.objects.create(thread_id=post.thread_id, queued_at=timezone.now(), run=0)
        outbox.enqueue(TASK, post.thread_id, 0)


def tell(*, thread_id: int, run: int) -> int:
    """Tell the followers of ``thread_id`` about its untold replies (step 2); returns how many replies.

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
        if not post_ids:
            telling.delete()
            return 0
        ThreadTelling.objects.filter(thread_id=thread_id).update(queued_at=timezone.now(), replies=0, run=run + 1)
    # Outside the telling row's lock: replies go on while the followers are told. The replies are told and
    # marked told in one transaction, under their own rows' locks: a run that dies tells nothing, and a
    # stand-in running at the same time waits, then finds them told.
    with transaction.atomic():
        post_ids = list(
            UntoldReply.objects.select_for_update()
            .filter(post_id__in=post_ids)
            .order_by("post_id")
            .values_list("post_id", flat=True)
        )
        if post_ids:
            notifying.notify_about_posts(thread_id=thread_id, post_ids=post_ids, consolidate=True)
            UntoldReply.objects.filter(post_id__in=post_ids).delete()
    # The next run finds what arrived meanwhile, or deletes the row. Not if a stand-in took over. A
    # transaction of its own: holding the telling row while the one above writes and commits (checking its
    # notifications' accounts) would make every reply to the thread wait for it.
    with transaction.atomic():
        if ThreadTelling.objects.filter(thread_id=thread_id, run=run + 1).update(queued_at=timezone.now()):
            outbox.enqueue_in(settings.FORUM_TELLING_SECONDS, TASK, thread_id, run + 1)
    return len(post_ids)


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
        logger.warning("Queued %s follower notification jobs that were lost", queued)
    return queued
