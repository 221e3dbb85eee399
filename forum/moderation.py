"""Moderator actions on threads and posts, each logged (who, what, when, why).

Each action is a conditional UPDATE: it logs only when it changed something,
so two moderators pressing "lock" at once leave one log line.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import access
from forum.models import Board, ModerationAction, Post, Report, Thread
from honour import points
from search import indexing

Kind = ModerationAction.Kind

THREAD_FLAGS: dict[str, tuple[str, bool]] = {
    Kind.PIN: ("pinned", True),
    Kind.UNPIN: ("pinned", False),
    Kind.LOCK: ("locked", True),
    Kind.UNLOCK: ("locked", False),
    Kind.HIDE_THREAD: ("hidden", True),
    Kind.UNHIDE_THREAD: ("hidden", False),
}
POST_FLAGS: dict[str, bool] = {Kind.HIDE_POST: True, Kind.UNHIDE_POST: False}

# What the apps above the forum undo when a thread is hidden, in the hiding transaction (ideas: the
# points its votes gave); registered from their AppConfig.ready, each called with the thread's id.
_on_thread_hidden: list[Callable[[int], object]] = []


def on_thread_hidden(hook: Callable[[int], object]) -> Callable[[int], object]:
    _on_thread_hidden.append(hook)
    return hook


class ModerationRefused(Exception):
    pass


def _require_moderator(user):
    if not access.is_moderator(user):
        raise ModerationRefused(_("Only moderators can do that."))


@transaction.atomic(durable=True)
def set_thread_flag(*, thread: Thread, moderator, kind: str, reason: str = "") -> bool:
    """Pin/unpin, lock/unlock, hide/unhide a thread. Returns whether anything changed."""
    _require_moderator(moderator)
    field, value = THREAD_FLAGS[kind]
    # The page versions move with the flag (forum.pagecache): hiding changes who may see the thread and,
    # on its board's list, who may see what; a pin or a lock only what the pages show.
    audience = field == "hidden"
    changed = (
        Thread.objects.filter(pk=thread.pk)
        .exclude(**{field: value})
        .update(
            **{field: value},
            version=F("version") + 1,
            **({"audience_version": F("audience_version") + 1} if audience else {}),
        )
    )
    if changed:
        Board.objects.filter(threads=thread.pk).update(
            **({"version": F("version") + 1} if audience else {"threads_version": F("threads_version") + 1})
        )
        ModerationAction.objects.create(moderator=moderator, kind=kind, thread=thread, reason=reason)
        if audience:
            indexing.hide_thread(thread_id=thread.pk, hidden=value)
        if audience and value:
            # A hidden thread's likes give no points (honour.points); shown again, it earns from new ones.
            points.take_back_points_of(kind=points.Kind.LIKED, causes=Post.objects.filter(thread=thread.pk))
            for hook in _on_thread_hidden:
                hook(thread.pk)
    return bool(changed)


def move_targets(moderator):
    """The boards ``moderator`` may move a thread to: those they may read, each with its parent."""
    return Board.objects.visible_to(moderator).select_related("parent").order_by("position", "id")


@transaction.atomic(durable=True)
def move_thread(*, thread: Thread, moderator, board: Board, reason: str = "") -> bool:
    """Move a thread to a board the moderator may read; False when it is there already."""
    _require_moderator(moderator)
    if not move_targets(moderator).filter(pk=board.pk).exists():
        raise ModerationRefused(_("You cannot move threads to that board."))
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.board_id == board.pk:
        return False
    posts = Post.objects.filter(thread=locked, deleted_at=None).count()
    # Who may read it changes, and what both boards' readers may see there (forum.pagecache).
    Thread.objects.filter(pk=locked.pk).update(
        board=board, version=F("version") + 1, audience_version=F("audience_version") + 1
    )
    Board.objects.filter(pk=locked.board_id).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - posts, version=F("version") + 1
    )
    Board.objects.filter(pk=board.pk).update(
        thread_count=F("thread_count") + 1, post_count=F("post_count") + posts, version=F("version") + 1
    )
    # Found from now on only by the new board's readers (search.indexing).
    indexing.move_thread(thread_id=locked.pk, board_id=board.pk)
    ModerationAction.objects.create(
        moderator=moderator,
        kind=Kind.MOVE,
        thread=locked,
        reason=reason,
        # By the names moderators read (the log shows it as it is written: a slug is an address, not a name).
        detail=f"{locked.board.name} → {board.name}",
    )
    return True


@transaction.atomic(durable=True)
def set_post_hidden(*, post: Post, moderator, hidden: bool, reason: str = "") -> bool:
    _require_moderator(moderator)
    # Claimed as not deleted or deleted, so that Thread.hidden_posts stays the count of hidden posts not deleted.
    counted = Post.objects.filter(pk=post.pk, deleted_at=None).exclude(hidden=hidden).update(hidden=hidden)
    changed = counted or Post.objects.filter(pk=post.pk).exclude(hidden=hidden).update(hidden=hidden)
    if changed:
        # Who may see the post changes: the thread's audience version moves (forum.pagecache).
        Thread.objects.filter(pk=post.thread_id).update(
            hidden_posts=F("hidden_posts") + (counted if hidden else -counted),
            version=F("version") + 1,
            audience_version=F("audience_version") + 1,
        )
        ModerationAction.objects.create(
            moderator=moderator,
            kind=Kind.HIDE_POST if hidden else Kind.UNHIDE_POST,
            thread_id=post.thread_id,
            post=post,
            reason=reason,
        )
        indexing.hide_post(thread_id=post.thread_id, post_id=post.pk, first=post.floor == 1, hidden=hidden)
        if hidden:
            # A hidden post's likes give no points (shown again, it earns from the likes given after).
            points.take_back_points(kind=points.Kind.LIKED, cause=post)
    return bool(changed)


class ReportRefused(Exception):
    pass


@transaction.atomic(durable=True)
def report_post(*, post: Post, reporter, reason: str) -> Report:
    """One report per fan and post: a second one is refused, not stored twice."""
    if post.author_id == reporter.pk:
        raise ReportRefused(_("You cannot report your own post."))
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=reporter, reason=reason)
    except IntegrityError:
        raise ReportRefused(_("You have already reported this post.")) from None


@transaction.atomic(durable=True)
def close_report(*, report: Report, moderator, resolved: bool, reason: str = "") -> bool:
    """Resolve (acted on) or dismiss an open report; closing twice changes nothing."""
    _require_moderator(moderator)
    state = Report.State.RESOLVED if resolved else Report.State.DISMISSED
    changed = Report.objects.filter(pk=report.pk, state=Report.State.OPEN).update(
        state=state, resolved_by=moderator, resolved_at=timezone.now()
    )
    if changed:
        ModerationAction.objects.create(
            moderator=moderator,
            kind=Kind.RESOLVE_REPORT if resolved else Kind.DISMISS_REPORT,
            thread_id=report.post.thread_id,
            post=report.post,
            reason=reason,
        )
    return bool(changed)
