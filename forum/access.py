"""Who may see and do what in the forum. One access_* function per object type:
each returns the object or raises Http404 (hidden things do not exist for
those who may not see them)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from forum.models import Board, Post, Thread


def is_moderator(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.moderate_forum")


def role_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_forum_role_ids"):
        user._forum_role_ids = {group.pk for group in user.groups.all()}
    return user._forum_role_ids


def may_read(user, board: Board) -> bool:
    """Needs board.read_roles prefetched (or costs a query)."""
    needed = {group.pk for group in board.read_roles.all()}
    return not needed or user.is_superuser or bool(needed & role_ids(user))


def may_start_thread(user, board: Board) -> bool:
    if not user.is_authenticated or not may_read(user, board):
        return False
    needed = {group.pk for group in board.start_roles.all()}
    return not needed or user.is_superuser or bool(needed & role_ids(user))


def may_reply(user, thread: Thread) -> bool:
    return user.is_authenticated and (not thread.locked or is_moderator(user))


def may_edit(user, post: Post) -> bool:
    return user.is_authenticated and post.deleted_at is None and (post.author_id == user.pk or is_moderator(user))


def access_board(user, slug: str) -> Board:
    board = get_object_or_404(Board.objects.select_related("parent").prefetch_related("read_roles", "start_roles"),
                              slug=slug)
    if not may_read(user, board):
        raise Http404
    return board


def access_thread(user, thread_id: int) -> Thread:
    thread = get_object_or_404(
        Thread.objects.select_related("board", "board__parent").prefetch_related(
            "board__read_roles", "board__start_roles"
        ),
        pk=thread_id,
    )
    if not may_read(user, thread.board) or (thread.hidden and not is_moderator(user)):
        raise Http404
    return thread


def access_post(user, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    access_thread(user, post.thread_id)
    if (post.hidden or post.deleted_at) and not is_moderator(user):
        raise Http404
    return post
