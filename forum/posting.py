"""Starting threads, replying, editing and deleting posts.

Every function owns its transaction. Counters move with F() in the same
transaction as the rows they count (liking.recount_likes rebuilds like counts
from the rows; the other counters have no recount job yet).
"""

import math
import unicodedata
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

import outbox
from canyu.durations import describe_wait
from forum import access, following, pagecache, telling
from forum.models import Board, Post, PostRevision, Thread
from forum.ratelimits import hold_to_daily_cap, is_exempt, is_new_account
from forum.rendering import render_post
from search import indexing

User = get_user_model()


class PostingRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def existing_usernames(candidates: set[str]) -> set[str]:
    """One query, served by the Lower(username) unique index: which @names are real accounts."""
    if not candidates:
        return set()
    found = set(
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=[name.lower() for name in candidates])
        .values_list("key", flat=True)
    )
    return {name for name in candidates if name.lower() in found}


def _render(source: str, author, *, spam_limits: bool = True) -> str:
    """Render, and hold accounts younger than a day to a few links, images and @mentions (spam)."""
    rendered = render_post(source, mention_exists=existing_usernames)
    if spam_limits and is_new_account(author) and not is_exempt(author):
        if rendered.link_count > settings.FORUM_NEW_ACCOUNT_MAX_LINKS:
            raise PostingRefused(
                _("New accounts may put at most %(n)d links in a post.") % {"n": settings.FORUM_NEW_ACCOUNT_MAX_LINKS}
            )
        if rendered.image_count > settings.FORUM_NEW_ACCOUNT_MAX_IMAGES:
            raise PostingRefused(
                _("New accounts may put at most %(n)d images in a post.") % {"n": settings.FORUM_NEW_ACCOUNT_MAX_IMAGES}
            )
        # Only @names of real accounts count: they are the ones that notify someone.
        if len(rendered.mentions) > settings.FORUM_NEW_ACCOUNT_MAX_MENTIONS:
            raise PostingRefused(
                _("New accounts may mention at most %(n)d people in a post.")
                % {"n": settings.FORUM_NEW_ACCOUNT_MAX_MENTIONS}
            )
    return rendered.html


def _same_text(source: str) -> str:
    """What two texts must share to be "the same": compatibility forms, case and every space ignored."""
    return "".join(unicodedata.normalize("NFKC", source).casefold().split())


def _hold_to_posting_limits(*, author, source: str, kind: str, now, post: Post | None = None) -> None:
    """Refuse a post of ``source`` (``post`` if already written, not committed) if its author posted the
    same text within FORUM_DUPLICATE_SECONDS, or has reached the day's cap of ``kind`` ("thread" or "reply").

    Runs after the author's row is updated, so it is locked: a second post of
    the same author, sent at once, waits for this transaction and then sees
    its post. The refusal rolls the whole transaction back: nothing is saved.
    Staff and moderators are exempt.
    """
    if is_exempt(author):
        return
    own = Post.objects.filter(author=author)
    if post is not None:
        own = own.exclude(pk=post.pk)
    window = timedelta(seconds=settings.FORUM_DUPLICATE_SECONDS)
    if window:
        text = _same_text(source)
        for earlier, created_at in (
            own.filter(created_at__gt=now - window, deleted_at=None)
            .order_by("-created_at")
            .values_list("source", "created_at")
        ):
            if _same_text(earlier) == text:
                wait = max(1, math.ceil((created_at + window - now).total_seconds()))
                raise PostingRefused(
                    _(
                        "You posted this same text a moment ago. Please write something new, or "
                        "post it again in %(wait)s."
                    )
                    % {"wait": describe_wait(wait)}
                )
    if kind == "thread":
        threads = Thread.objects.filter(author=author)
        hold_to_daily_cap(
            user=author, kind="thread", rows=threads if post is None else threads.exclude(pk=post.thread_id), now=now
        )
    else:
        # A thread's first post has its thread's author and creation time: not a reply.
        hold_to_daily_cap(
            user=author,
            kind="reply",
            now=now,
            rows=own.exclude(thread__author=author, thread__created_at=F("created_at")),
        )


@transaction.atomic(durable=True)
def start_thread(*, board: Board, author, title: str, source: str) -> Thread:
    """Create a thread with its first post. Refused where the author may not start threads."""
    if not access.may_start_thread(author, board):
        raise PostingRefused(_("You cannot start threads in this board."))
    thread = add_thread(board=board, author=author, title=title, source=source)
    # The author hears about replies. (Not in add_thread: a release's publisher
    # is not signed up for every reply to its announcement.)
    following.follow_thread(user=author, thread=thread)
    return thread


def add_thread(
    *, board: Board, author, title: str, source: str, pinned: bool = False, spam_limits: bool = True
) -> Thread:
    """start_thread's rows and counters inside the caller's transaction, without its access check.

    For a process whose own rows must commit together with the thread: a
    release's announcement commits with the claim that publishes the release
    (releases.publishing), so a crash leaves neither or both.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("add_thread runs inside the caller's transaction; use start_thread otherwise")
    now = timezone.now()
    thread = Thread.objects.create(
        board=board,
        author=author,
        title=title,
        created_at=now,
        last_activity_at=now,
        last_poster=author,
        pinned=pinned,
        last_floor=1,
    )
    post = Post.objects.create(
        thread=thread,
        author=author,
        source=source,
        html=_render(source, author, spam_limits=spam_limits),
        created_at=now,
        floor=1,
    )
    # Found by search from this commit on (an idea's process marks it an idea: ideas.proposing).
    indexing.put(
        indexing.thread_document(
            thread_id=thread.pk, board_id=board.pk, author_id=author.pk, title=title, text=source, created_at=now
        )
    )
    # The board's list version moves with its counters (forum.pagecache).
    Board.objects.filter(pk=board.pk).update(
        thread_count=F("thread_count") + 1, post_count=F("post_count") + 1, threads_version=F("threads_version") + 1
    )
    # @mentions are told after commit, by a task.
    outbox.enqueue("forum.tasks.notify_about_post", post.pk)
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    if spam_limits:
        _hold_to_posting_limits(author=author, source=post.source, post=post, kind="thread", now=now)
    return thread


@transaction.atomic(durable=True)
def reply(*, thread: Thread, author, source: str) -> Post:
    """Add a post to a thread. A locked thread refuses (moderators excepted), decided in the database.

    Every reply to the thread waits for the thread's row, which the UPDATE
    claiming the floor locks until commit; on Friday at 17:00 that lock is
    the announcement thread's bottleneck. So the rendering and the follow come
    before it. The author's row is locked after it, as a like and a deletion
    lock the thread's row and then the user's: one order, no deadlock.
    """
    now = timezone.now()
    moderator = access.is_moderator(author)
    html = _render(source, author)
    # A replier follows the thread from now on; followers and @mentions are
    # told after commit, by a job (forum.telling: a thread may have thousands of followers).
    following.follow_thread(user=author, thread=thread)
    claim = Thread.objects.filter(pk=thread.pk, hidden=False) if not moderator else Thread.objects.filter(pk=thread.pk)
    if not moderator:
        claim = claim.filter(locked=False)
    # The conditional UPDATE both moves the counters and checks the thread is
    # still open: a lock that lands between page and submit wins. reply_count
    # is also what the thread's pages are fresh by (forum.pagecache.thread_fresh).
    if (
        claim.update(
            reply_count=F("reply_count") + 1, last_activity_at=now, last_poster=author, last_floor=F("last_floor") + 1
        )
        != 1
    ):
        raise PostingRefused(_("This thread is locked: no new replies."))
    claimed = _claimed(thread)
    post = Post.objects.create(
        thread=thread, author=author, source=source, html=html, created_at=now, floor=claimed.floor
    )
    _index_reply(post, claimed)
    Board.objects.filter(pk=thread.board_id).update(
        post_count=F("post_count") + 1, threads_version=F("threads_version") + 1
    )
    telling.record(post)
    # The author's row: its lock makes a second post of theirs, sent at once, wait and then count this one.
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    _hold_to_posting_limits(author=author, source=source, kind="reply", now=now, post=post)
    return post


def add_reply(*, thread: Thread, author, source: str) -> Post:
    """A reply's rows and counters inside the caller's transaction, for a post Canyu writes in
    someone's name: a poll's result (polls.polling) commits with the claim that closes the poll.

    Unlike ``reply``: no lock check (a result belongs in the thread even if it
    was locked meanwhile), no spam limits, the author does not start following,
    and no one is told about the post here: the process that writes it tells
    its own audience, once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("add_reply runs inside the caller's transaction; use reply otherwise")
    now = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=F("reply_count") + 1, last_activity_at=now, last_poster=author, last_floor=F("last_floor") + 1
    )
    claimed = _claimed(thread)
    post = Post.objects.create(
        thread=thread,
        author=author,
        source=source,
        html=_render(source, author, spam_limits=False),
        created_at=now,
        floor=claimed.floor,
    )
    _index_reply(post, claimed)
    Board.objects.filter(pk=thread.board_id).update(
        post_count=F("post_count") + 1, threads_version=F("threads_version") + 1
    )
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    return post


class _Claimed(NamedTuple):
    floor: int
    board_id: int
    hidden: bool
    title: str


def _claimed(thread: Thread) -> _Claimed:
    """The floor this transaction's UPDATE just moved last_floor to, with the board and hidden flag the
    reply is indexed under. Its row lock on the thread holds until commit, so no other reply reads or
    takes the same floor, and one rolled back frees its floor: floors stay unique
    (forum_post_one_per_floor) and without gaps. A move or hide of the thread waits for the same lock, so
    the board and flag read here are the ones this reply commits under (search.indexing)."""
    return _Claimed(*Thread.objects.filter(pk=thread.pk).values_list("last_floor", "board_id", "hidden", "title").get())


def _index_reply(post: Post, claimed: _Claimed) -> None:
    indexing.add(
        indexing.post_document(
            post_id=post.pk,
            thread_id=post.thread_id,
            board_id=claimed.board_id,
            author_id=post.author_id,
            thread_title=claimed.title,
            text=post.source,
            created_at=post.created_at,
            thread_hidden=claimed.hidden,
        )
    )


@transaction.atomic(durable=True)
def edit_post(*, post: Post, editor, source: str) -> Post:
    """Keep the old text as a revision, store the new one rendered."""
    if not access.may_edit(editor, post):
        raise PostingRefused(_("You cannot edit this post."))
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.source == source:
        return locked
    PostRevision.objects.create(post=locked, editor=editor, source=locked.source)
    locked.source, locked.html, locked.edited_at = source, _render(source, editor), timezone.now()
    locked.save(update_fields=["source", "html", "edited_at"])
    indexing.change_text(thread_id=locked.thread_id, post_id=locked.pk, first=locked.floor == 1, text=source)
    pagecache.post_changed(thread_id=locked.thread_id, floor=locked.floor)  # the pages that show it
    return locked


@transaction.atomic(durable=True)
def delete_post(*, post: Post, actor) -> Post:
    """Soft delete: the row stays (for moderators and the log), fans no longer see it.
    Deleting a thread's first post is not allowed here; moderators hide the thread instead."""
    if not access.may_edit(actor, post):
        raise PostingRefused(_("You cannot delete this post."))
    if post.floor == 1:
        raise PostingRefused(_("The first post of a thread cannot be deleted; ask a moderator to hide the thread."))
    now = timezone.now()
    # Claimed as shown or as hidden, so that Thread.hidden_posts stays the count of hidden posts not deleted.
    hidden = 0
    claimed = Post.objects.filter(pk=post.pk, deleted_at=None, hidden=False).update(deleted_at=now)
    if not claimed:
        claimed = hidden = Post.objects.filter(pk=post.pk, deleted_at=None, hidden=True).update(deleted_at=now)
    if claimed == 1:
        # Fans no longer see it: the thread's audience version moves (forum.pagecache).
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") - 1,
            hidden_posts=F("hidden_posts") - hidden,
            version=F("version") + 1,
            audience_version=F("audience_version") + 1,
        )
        Board.objects.filter(threads=post.thread_id).update(
            post_count=F("post_count") - 1, threads_version=F("threads_version") + 1
        )
        User.objects.filter(pk=post.author_id).update(post_count=F("post_count") - 1)
        indexing.remove_post(post_id=post.pk)
    post.refresh_from_db()
    return post
