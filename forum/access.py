"""Who may see and do what in the forum. One access_* function per object type:
each returns the object or raises Http404 (hidden things do not exist for
those who may not see them).

Pages served from the cache (forum.pagecache, forum.shells) decide with the
same rules, on an ``Entry``: what the check needs of a thread or board and the
versions its pages are kept under, read in one query, so a page is never
looked up under versions older than the rules it was allowed by.
"""

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple, TypeGuard

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.http import Http404
from django.shortcuts import get_object_or_404

from forum import panels
from forum.models import Board, Post, Thread

MODERATE = ("accounts", "moderate_forum")


def is_moderator(user) -> bool:
    """Whether the user may moderate the forum (the permission accounts.moderate_forum): read_roles."""
    return read_roles(user)[1]


def role_ids(user) -> set[int]:
    return read_roles(user)[0]


def read_roles(user) -> tuple[set[int], bool]:
    """The user's groups and whether they moderate, in one query kept on the user (Django's has_perm and
    user.groups ran three: the groups, the user's permissions, the groups' permissions). Moderating is
    Django's rule for user.has_perm("accounts.moderate_forum"), as its ModelBackend applies it: an active
    superuser, or an active user holding the permission themselves or through a group (a test compares
    the two on every kind of user)."""
    if not user.is_authenticated:
        return set(), False
    if not hasattr(user, "_forum_role_ids") or not hasattr(user, "_forum_moderator"):
        quote = connections[router.db_for_read(Permission)].ops.quote_name
        tables = {
            name: quote(model._meta.db_table)
            for name, model in (
                ("member", user.groups.through),
                ("group_perm", Group.permissions.through),
                ("user_perm", user.user_permissions.through),
                ("perm", Permission),
                ("type", ContentType),
            )
        }
        permission = (
            f"SELECT {tables['perm']}.{quote('id')} FROM {tables['perm']} INNER JOIN {tables['type']}"
            f" ON {tables['type']}.{quote('id')} = {tables['perm']}.{quote('content_type_id')}"
            f" WHERE {tables['type']}.{quote('app_label')} = %s AND {tables['perm']}.{quote('codename')} = %s"
        )
        sql = (
            f"SELECT {quote('group_id')}, EXISTS (SELECT 1 FROM {tables['group_perm']} WHERE"
            f" {tables['group_perm']}.{quote('group_id')} = {tables['member']}.{quote('group_id')}"
            f" AND {tables['group_perm']}.{quote('permission_id')} IN ({permission}))"
            f" FROM {tables['member']} WHERE {tables['member']}.{quote('user_id')} = %s"
            f" UNION ALL SELECT NULL, EXISTS (SELECT 1 FROM {tables['user_perm']} WHERE"
            f" {tables['user_perm']}.{quote('user_id')} = %s AND {tables['user_perm']}.{quote('permission_id')}"
            f" IN ({permission}))"
        )
        with connections[router.db_for_read(Permission)].cursor() as cursor:
            cursor.execute(sql, [*MODERATE, user.pk, user.pk, *MODERATE])
            rows = cursor.fetchall()
        user._forum_role_ids = {group_id for group_id, _ in rows if group_id is not None}
        user._forum_moderator = user.is_active and (user.is_superuser or any(bool(held) for _, held in rows))
    return user._forum_role_ids, user._forum_moderator


def may_read_roles(read_role_ids, *, superuser: bool, role_ids) -> bool:
    """The rule: a board with no read roles is public; others need one of their roles (or a superuser)."""
    return not read_role_ids or superuser or bool(set(read_role_ids) & set(role_ids))


def may_read(user, board: Board) -> bool:
    """Needs board.read_roles prefetched (or costs a query); the user's roles are read only for a board
    that has read roles."""
    needed = {group.pk for group in board.read_roles.all()}
    return may_read_roles(needed, superuser=user.is_superuser, role_ids=role_ids(user) if needed else ())


class Entry(NamedTuple):
    """A thread's or board's access data and page versions, read in one query (forum.pagecache)."""

    object_id: int
    hidden: bool
    read_role_ids: frozenset[int]
    # Never served stale: thread (audience_version, its board's version), board (version,).
    audience: tuple[int, ...]
    # Thread: version, reply_count, hidden_posts; board: threads_version.
    version: tuple[int, ...]
    # Thread: the versions of its buckets of floors that a like or an edit moved (Thread.page_versions).
    page_versions: Mapping[str, int] = MappingProxyType({})


# Every cached forum page reads its entry first: the ORM's compiling of these two queries was a third of an
# anonymous page's CPU. Each is compiled once per database vendor (its SQL takes the one parameter, the
# thread's id or the board's slug) and then run as it is.
_ENTRY_SQL: dict[tuple[str, str], str] = {}


def _entry_rows(name: str, model, make_queryset, value) -> list[tuple]:
    connection = connections[router.db_for_read(model)]
    sql = _ENTRY_SQL.get((name, connection.vendor))
    if sql is None:
        queryset = make_queryset(value)
        sql, params = queryset.query.sql_with_params()
        if list(params) != [value]:  # the query must take exactly its one parameter
            return list(queryset)
        _ENTRY_SQL[(name, connection.vendor)] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return cursor.fetchall()


def thread_entry(thread_id: int) -> Entry | None:
    """One query: the thread with its board and the board's read roles (a row per role)."""
    rows = _entry_rows(
        "thread",
        Thread,
        lambda value: Thread.objects.filter(pk=value).values_list(
            "hidden",
            "audience_version",
            "board__version",
            "version",
            "reply_count",
            "hidden_posts",
            "page_versions",
            "board__read_roles",
        ),
        thread_id,
    )
    if not rows:
        return None
    hidden, audience, board_version, version, replies, hidden_posts, pages, _ = rows[0]
    if isinstance(pages, str | bytes):  # the JSON as text (SQLite; the raw query skips the field's decoding)
        pages = json.loads(pages)
    return Entry(
        thread_id,
        bool(hidden),
        frozenset(row[-1] for row in rows if row[-1] is not None),
        (audience, board_version),
        (version, replies, hidden_posts),
        pages if isinstance(pages, dict) else {},
    )


def board_entry(slug: str) -> Entry | None:
    """One query: the board with its read roles (a row per role)."""
    rows = _entry_rows(
        "board",
        Board,
        lambda value: Board.objects.filter(slug=value).values_list("pk", "version", "threads_version", "read_roles"),
        slug,
    )
    if not rows:
        return None
    board_id, version, threads_version, _ = rows[0]
    return Entry(
        board_id, False, frozenset(row[-1] for row in rows if row[-1] is not None), (version,), (threads_version,)
    )


def may_read_entry(entry: Entry | None, *, superuser: bool, role_ids, moderator: bool) -> TypeGuard[Entry]:
    """access_thread's and access_board's rule on an Entry (None: no such thread or board)."""
    return (
        entry is not None
        and may_read_roles(entry.read_role_ids, superuser=superuser, role_ids=role_ids)
        and (not entry.hidden or moderator)
    )


def may_start_thread(user, board: Board) -> bool:
    if not user.is_authenticated or not may_read(user, board):
        return False
    needed = {group.pk for group in board.start_roles.all()}
    return not needed or user.is_superuser or bool(needed & role_ids(user))


def may_reply(user, thread: Thread) -> bool:
    return user.is_authenticated and may_reply_to(thread, moderator=is_moderator(user))


def may_reply_to(thread: Thread, *, moderator: bool) -> bool:
    """may_reply for a signed-in reader who does or does not moderate (a shell's kind of reader)."""
    return not thread.locked or moderator


def may_edit(user, post: Post) -> bool:
    return user.is_authenticated and post.deleted_at is None and (post.author_id == user.pk or is_moderator(user))


def access_board(user, slug: str) -> Board:
    board = get_object_or_404(
        Board.objects.select_related("parent").prefetch_related("read_roles", "start_roles"), slug=slug
    )
    if not may_read(user, board):
        raise Http404
    return board


def access_thread(user, thread_id: int) -> Thread:
    """The thread with its board (and its read roles) and what panels look at: two queries. Not the board's
    start roles: nothing done on a thread asks who may start one (access_board prefetches them)."""
    thread = get_object_or_404(
        Thread.objects.select_related("board", "board__parent", *panels.related()).prefetch_related(
            "board__read_roles"
        ),
        pk=thread_id,
    )
    if not may_read(user, thread.board) or (thread.hidden and not is_moderator(user)):
        raise Http404
    return thread


def thread_of_entry(user, entry: Entry) -> Thread:
    """The thread of an ``entry`` its reader was allowed on (may_read_entry), with its board and what panels
    look at: one query, where access_thread runs two. Its rules are not read again while its audience
    versions are still the entry's, since every change of who may read it moves them in its own
    transaction; if one committed since, access_thread decides again. For building a page: no board
    roles are prefetched (may_read and may_start_thread would query)."""
    thread = get_object_or_404(
        Thread.objects.select_related("board", "board__parent", *panels.related()), pk=entry.object_id
    )
    if (thread.audience_version, thread.board.version) != entry.audience:
        return access_thread(user, entry.object_id)
    return thread


def access_post(user, post_id: int) -> Post:
    """The post with its thread, if the user may read it: two queries, the second the thread's entry
    (compiled once, and prepared by PostgreSQL), as thread pages decide; the user's roles are read only
    for a board with read roles, a hidden thread or a hidden post. Every like, edit and permalink
    comes here."""
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    entry = thread_entry(post.thread_id)
    needs_roles = entry is not None and (entry.read_role_ids or entry.hidden or post.hidden or post.deleted_at)
    roles, moderator = read_roles(user) if needs_roles else (set(), False)
    if not may_read_entry(entry, superuser=user.is_superuser, role_ids=roles, moderator=moderator):
        raise Http404
    if (post.hidden or post.deleted_at) and not moderator:
        raise Http404
    return post
