"""Signed-in board and thread pages: one shared shell per kind of reader, each reader's own parts filled in.

Anonymous readers share whole pages (forum.pagecache). Signed-in readers
cannot, but their pages differ from each other in a few places only:

- the header (their name, unread notifications) and the CSRF token;
- on a thread: whether they follow it, and each post as they stand to it
  (their own post, a post they liked, any other post);
- on a board: which threads are unread for them, and whether they may start one.

Everything else depends on the page, the language, the time zone and whether
the reader moderates. So the page is rendered once for each such kind of
reader with *holes* where the personal parts go (a marker no user text can
contain), split at the holes and stored as a shell beside every variant of
each personal part; a request reads the page's entry (one query), fetches
the shell in the round trip that fetches the reader's roles, reads the
reader's own state in one query when it is not kept, and joins the pieces:
no template, no other query for the page itself.

Shells are kept and found as anonymous pages are (forum.pagecache): each
request reads the thread's or board's entry (who may read it and its
versions, one query), refuses or looks up the shell in the slot those
versions name. What is not forum data is kept under generation tokens
(canyu.generations, moved now and after commit by the receivers below): a
poster's new name, avatar, phone model or role moves the tokens of every
thread they posted in and of those threads' boards; a reader's roles are
cached per user under the site's and the user's role tokens. The reader's
own parts are always current.

A thread some panel concerns (forum.panels: an idea's box, polls) gets one
more hole, filled with the panels rendered for the reader on each request.
Pages that show more per reader than these holes (``?quote=``, a pending flash
message) are rendered whole as before.
"""

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from canyu import generations
from forum import access, fragments, pagecache, reading
from forum.models import Like, Thread, ThreadFollow, ThreadRead
from notifications.delivery import unread_count, unread_key

ROLES_GENERATION_KEY = pagecache.generation_key("roles", 0)


def is_servable(request: HttpRequest) -> bool:
    """Signed in, and a request whose page may be shared (forum.pagecache.is_plain_page_get)."""
    return request.user.is_authenticated and pagecache.is_plain_page_get(request)


# --- Holes -------------------------------------------------------------------


@functools.cache
def _hole_token() -> str:
    # A digest of SECRET_KEY: no text a user writes can contain it, so no post can open a hole.
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=8, person=b"canyu-shell").hexdigest()


def hole(name: str) -> SafeString:
    """The marker rendered where the personal part ``name`` goes."""
    return mark_safe(f"\x00{_hole_token()}:{name}\x00")


def _split(html: str) -> tuple[bytes | str, ...]:
    """The page as [text, hole name, text, hole name, ..., text], the text in UTF-8; CSRF markers stay in it."""
    pieces = re.split(f"\x00{_hole_token()}:(account|follow|panels|posts|rows|start)\x00", html)
    return tuple(piece.encode() if index % 2 == 0 else piece for index, piece in enumerate(pieces))


def _fill(pieces: tuple[bytes | str, ...], parts: dict[str, bytes], token: str) -> bytes:
    """The page's bytes. Shells keep UTF-8, not text: no decoding from the cache, no encoding for the response
    (together about a fifth of the view's instructions, counted with callgrind: bench/README.md)."""
    html = b"".join(piece if index % 2 == 0 else parts[piece] for index, piece in enumerate(pieces))
    return html.replace(_csrf_hole(), token.encode())


@functools.cache
def _csrf_hole() -> bytes:
    return hole("csrf").encode()


def render_part(template_name: str, context: dict) -> str:
    """A personal part's template, rendered with a CSRF marker where its token goes (views use it too)."""
    return get_template(template_name).render({**context, "csrf_token": hole("csrf")})


# --- The reader's roles --------------------------------------------------------


class Roles(NamedTuple):
    """What a signed-in reader's roles allow in the forum, cached per user."""

    generation: tuple[int, int]  # the site's and the user's role generations it was read under
    superuser: bool
    role_ids: frozenset[int]
    moderator: bool

    def may_read(self, entry: access.Entry | None) -> bool:
        return access.may_read_entry(entry, superuser=self.superuser, role_ids=self.role_ids, moderator=self.moderator)

    def may_start(self, start_role_ids: frozenset[int]) -> bool:
        # forum.access.may_start_thread, on the cached roles (of a reader who may read the board).
        return access.may_read_roles(start_role_ids, superuser=self.superuser, role_ids=self.role_ids)


def _roles_key(user_id: int) -> str:
    return f"forum:roles:{fragments.code_version()}:{user_id}"


def _user_roles_generation_key(user_id: int) -> str:
    return pagecache.generation_key("user-roles", user_id)


def _roles_of(user, found: dict) -> Roles:
    """The reader's roles from ``found`` (a get_many that asked for the keys of both generations and the
    roles), or read and cached. Stored with the site's and the user's role generations as read before
    reading the roles: a change committing meanwhile moves one, so what is stored is never used."""
    generation = (found.get(ROLES_GENERATION_KEY), found.get(_user_roles_generation_key(user.pk)))
    roles = found.get(_roles_key(user.pk))
    if (
        roles is not None
        and None not in generation
        and roles.generation == generation
        and roles.superuser == user.is_superuser
    ):
        return roles
    # What ``found`` holds was read before the roles are, as needed; only missing tokens are drawn.
    generation = (
        pagecache.token(found, ROLES_GENERATION_KEY),
        pagecache.token(found, _user_roles_generation_key(user.pk)),
    )
    role_ids, moderator = access.read_roles(user)
    roles = Roles(generation, user.is_superuser, frozenset(role_ids), moderator)
    cache.set(_roles_key(user.pk), roles, pagecache.GENERATION_SECONDS)
    return roles


def forget_role_changes(sender, action: str, reverse: bool, instance, pk_set, **kwargs) -> None:
    """Signal receiver (m2m_changed): a membership or permission changed.

    A user's own groups or permissions: that user's roles are read again and
    their badge redrawn. A group's permissions (or a group's members cleared
    at once): every reader's roles, and every shell, since badges name groups.
    Now and after commit (canyu.generations.now_and_after_commit).
    """
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if sender is Group.permissions.through:
        user_ids = None
    elif not reverse:
        user_ids = {instance.pk}
    else:
        user_ids = pk_set  # None when a group's members were cleared
    generations.now_and_after_commit(lambda: _move_role_generations(user_ids))


def forget_groups(**kwargs) -> None:
    """Signal receiver: a group was saved or deleted (deleting one removes memberships without m2m_changed)."""
    generations.now_and_after_commit(lambda: _move_role_generations(None))


def _move_role_generations(user_ids) -> None:
    if user_ids is None:
        pagecache.forget(scopes=[("roles", 0)])
        return
    pagecache.forget(scopes=[("user-roles", user_id) for user_id in user_ids])
    _forget_places_of(user_ids)  # the badge on their posts


# --- Authors -----------------------------------------------------------------
# Pages show their posters' names, avatars, phone models and badges. When
# those change, the pages of every thread the user posted in, and of those
# threads' boards, are rendered again (anonymous ones too): a rare write
# pays, not every page view.

SHOWN_USER_FIELDS = frozenset({"username", "display_name", "avatar", "phone_model"})


def forget_author(*, user_id: int) -> None:
    """Now and after commit (canyu.generations.now_and_after_commit): a user's row is not forum data."""
    generations.now_and_after_commit(lambda: _forget_places_of([user_id]))


def _forget_places_of(user_ids) -> None:
    """One query (the posts' author index): the threads the users posted in and their boards."""
    places = set(Thread.objects.filter(posts__author_id__in=list(user_ids)).values_list("id", "board_id").distinct())
    pagecache.forget(thread_ids={thread_id for thread_id, _ in places}, board_ids={board_id for _, board_id in places})


def forget_saved_author(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """Signal receiver (User post_save): a save that may change what posts show of the user (a new user
    has no posts; signing in saves last_login only)."""
    if not created and (update_fields is None or SHOWN_USER_FIELDS & set(update_fields)):
        forget_author(user_id=instance.pk)


def forget_changed_profile(sender, user_id, **kwargs) -> None:
    """Signal receiver (accounts.signals.profile_changed)."""
    forget_author(user_id=user_id)


def _serve(request: HttpRequest, kind: str, entry: access.Entry | None, build: Callable[[Roles], object]):
    """The reader's roles, the shell (from its slot, or built) and what the round trip found.

    One round trip for the reader's roles, unread count, own state, the
    posters' generation token and the shell for readers who do not moderate;
    a second only for moderators' shells. Refused (404) on ``entry``.
    """
    if entry is None:
        raise Http404
    user = request.user
    member_key = pagecache.page_key(kind, entry, request, reader="member")
    token_key = pagecache.generation_key(kind, entry.object_id)
    found = cache.get_many(
        [
            ROLES_GENERATION_KEY,
            _user_roles_generation_key(user.pk),
            _roles_key(user.pk),
            unread_key(user.pk),
            _account_nav_key(user.pk),
            pagecache.generation_key("reader", user.pk),
            _reader_state_key(request),
            member_key,
            token_key,
        ]
    )
    roles = _roles_of(user, found)
    if not roles.may_read(entry):
        raise Http404  # as forum.access.access_thread and access_board
    key = member_key
    if roles.moderator:
        key = pagecache.page_key(kind, entry, request, reader="moderator")
        found[key] = cache.get(key)
    fresh = (
        *pagecache.fresh_of(kind, entry, request, moderator=roles.moderator),
        pagecache.token(found, token_key),
        pagecache.token(found, ROLES_GENERATION_KEY),
    )

    def built():
        shell = build(roles)
        return shell, shell

    return roles, pagecache.serve(key, fresh, found, built), found


# --- What the reader has done ----------------------------------------------------
# Their likes, follow and read marks on a page, kept per reader and page for as
# long as the page's shell, under the reader's generation: forum.following and
# forum.reading move it (pagecache.forget_reader) with every change, so their
# own parts are never stale. A new shell (new posts, a like, which changes the
# count, posts hidden, a new "last activity") reads them again.


def _reader_state_key(request: HttpRequest) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=8).hexdigest()
    return f"forum:reader-state:{fragments.code_version()}:{request.user.pk}:{path}"


def _reader_state(request: HttpRequest, found: dict, shell, read: Callable[[], object]):
    """The reader's state on this page from ``found``, or ``read()`` and kept."""
    generation_key = pagecache.generation_key("reader", request.user.pk)
    kept = found.get(_reader_state_key(request))
    generation = found.get(generation_key)
    if kept is not None and generation is not None and kept[:2] == (generation, shell.serial):
        return kept[2]
    # Read before the rows (in ``found``, or now): a change committing meanwhile moves it, and what is kept
    # here is not used.
    generation = pagecache.token(found, generation_key)
    state = read()
    cache.set(_reader_state_key(request), (generation, shell.serial, state), settings.FORUM_PAGE_CACHE_SECONDS)
    return state


def _account_nav_key(user_id: int) -> str:
    return f"forum:account-nav:{fragments.code_version()}:{user_id}"


def _account_nav(request: HttpRequest, found: dict) -> bytes:
    """The header's links for the reader, kept per user with what they show: name, unread count, language."""
    user = request.user
    count = found.get(unread_key(user.pk))
    if count is None:
        count = unread_count(user)
    shows = (user.username, user.shown_name, count, translation.get_language())
    kept = found.get(_account_nav_key(user.pk))
    if kept is not None and kept[0] == shows:
        return kept[1]
    html = render_part("_account_nav.html", {"user": user, "unread_notifications": count}).encode()
    cache.set(_account_nav_key(user.pk), (shows, html), fragments.FRAGMENT_SECONDS)
    return html


# --- Thread pages --------------------------------------------------------------


# Where each relation's <article> is among a post's variants.
_OWN, _LIKED, _OTHER = (
    fragments.POST_RELATIONS.index(relation) for relation in ((True, False), (False, True), (False, False))
)


class ThreadShell(NamedTuple):
    serial: int  # drawn for each shell built: the reader's own state is kept per shell
    # Some panel concerns the thread (forum.panels): the "panels" hole is filled per request.
    panels: bool
    pieces: tuple[bytes | str, ...] = ()  # as _split gives them
    # (post id, author id, the start of its <article>, the rest in each of fragments.POST_RELATIONS), in UTF-8:
    # the variants of a post differ only in their buttons, so what they share is kept once.
    posts: tuple[tuple[int, int, bytes, tuple[bytes, ...]], ...] = ()
    follow: tuple[bytes, bytes] = (b"", b"")  # not following, following
    last_post_id: int | None = None


def _role_ids(roles) -> frozenset[int]:
    """A board's read_roles or start_roles, prefetched by forum.access."""
    return frozenset(group.pk for group in roles.all())


def thread_shell(*, html: str, posts, follow, last_post_id, panels: bool) -> ThreadShell:
    """``posts``: (post id, author id, its <article> as fragments.render_post_relations gives it)."""
    return ThreadShell(
        secrets.randbits(48),
        panels,
        _split(html),
        tuple(
            (post_id, author_id, start.encode(), tuple(f"{actions}{end}".encode() for actions in each))
            for post_id, author_id, (start, each, end) in posts
        ),
        tuple(variant.encode() for variant in follow),
        last_post_id,
    )


def serve_thread(
    request: HttpRequest,
    thread_id: int,
    *,
    build: Callable[[Roles, access.Entry], ThreadShell],
    render_panels: Callable[[], list[str]],
) -> HttpResponse:
    """The thread page for a signed-in reader, from its shell (built by ``build`` when missing or stale).

    Costs, on a shell found: the thread's entry (one query), one cache round trip (two for moderators); one
    query for the reader's likes, follow and read mark when they are not kept
    yet, and a write only when the read mark moves; on a thread with panels,
    what ``render_panels`` costs.
    """
    entry = access.thread_entry(thread_id)
    _roles, shell, found = _serve(request, "thread", entry, lambda roles: build(roles, entry))
    user_id = request.user.pk
    liked, following, mark = _reader_state(
        request, found, shell, lambda: _thread_state(user_id, thread_id, [post[0] for post in shell.posts])
    )
    if shell.last_post_id is not None:
        reading.move_read_mark(user_id=user_id, thread_id=thread_id, post_id=shell.last_post_id, mark=mark)
    posts = b"".join(
        start + rest[_OWN if author_id == user_id else _LIKED if post_id in liked else _OTHER]
        for post_id, author_id, start, rest in shell.posts
    )
    parts = {"account": _account_nav(request, found), "follow": shell.follow[following], "posts": posts}
    if shell.panels:
        parts["panels"] = "".join(render_panels()).encode()
    return HttpResponse(_fill(shell.pieces, parts, get_token(request)))


def _thread_state(user_id: int, thread_id: int, post_ids: list[int]) -> tuple[frozenset[int], bool, int | None]:
    """Which of ``post_ids`` the reader liked, whether they follow the thread and their read mark: one query.

    Plain SQL for a measured reason: three ORM queries cost the page about a
    third of its time; this one statement costs one round trip.
    """
    quote = connection.ops.quote_name
    parts, params = [], []
    if post_ids:
        parts.append(
            f"SELECT 1, {quote('post_id')} FROM {quote(Like._meta.db_table)} WHERE {quote('user_id')} = %s"
            f" AND {quote('post_id')} IN ({', '.join(['%s'] * len(post_ids))})"
        )
        params += [user_id, *post_ids]
    parts.append(
        f"SELECT 2, 0 FROM {quote(ThreadFollow._meta.db_table)}"
        f" WHERE {quote('user_id')} = %s AND {quote('thread_id')} = %s"
    )
    parts.append(
        f"SELECT 3, {quote('last_read_post_id')} FROM {quote(ThreadRead._meta.db_table)}"
        f" WHERE {quote('user_id')} = %s AND {quote('thread_id')} = %s"
    )
    params += [user_id, thread_id, user_id, thread_id]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    liked = frozenset(value for kind, value in rows if kind == 1)
    following = any(kind == 2 for kind, _ in rows)
    mark = next((value for kind, value in rows if kind == 3), None)
    return liked, following, mark


# --- Board pages ---------------------------------------------------------------


class BoardShell(NamedTuple):
    serial: int
    start_role_ids: frozenset[int]
    pieces: tuple[bytes | str, ...]  # as _split gives them
    # (thread id, last activity, its row read and unread in UTF-8)
    rows: tuple[tuple[int, object, tuple[bytes, bytes]], ...]
    start: bytes  # the "New thread" link, for readers who may start one


def board_shell(*, board, html: str, rows, start: str) -> BoardShell:
    return BoardShell(
        secrets.randbits(48),
        _role_ids(board.start_roles),
        _split(html),
        tuple((thread_id, activity, (read.encode(), unread.encode())) for thread_id, activity, (read, unread) in rows),
        start.encode(),
    )


def serve_board(request: HttpRequest, slug: str, *, build: Callable[[Roles], BoardShell]) -> HttpResponse:
    """The board page for a signed-in reader, from its shell (built by ``build`` when missing or stale).

    Costs, on a shell found: the board's entry (one query), one cache round
    trip (two for moderators), and one query for the reader's read marks of
    the page's threads when they are not kept yet.
    """
    roles, shell, found = _serve(request, "board", access.board_entry(slug), build)
    read = _reader_state(
        request,
        found,
        shell,
        lambda: _read_threads(
            request.user.pk, [(thread_id, last_activity) for thread_id, last_activity, _ in shell.rows]
        ),
    )
    rows = b"".join(html[thread_id not in read] for thread_id, _, html in shell.rows)
    start = shell.start if roles.may_start(shell.start_role_ids) else b""
    parts = {"account": _account_nav(request, found), "rows": rows, "start": start}
    return HttpResponse(_fill(shell.pieces, parts, get_token(request)))


def _read_threads(user_id: int, threads: list[tuple[int, object]]) -> frozenset[int]:
    """Which of (thread id, last activity) the reader has read since that activity: one query.

    As forum.pages.board_page: a thread is unread when never opened or active
    since the reader's mark. Plain SQL for the reason _thread_state gives.
    """
    if not threads:
        return frozenset()
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    each = " OR ".join([f"({quote('thread_id')} = %s AND {quote('last_read_at')} >= %s)"] * len(threads))
    params = [user_id] + [value for thread_id, activity in threads for value in (thread_id, adapt(activity))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('thread_id')} FROM {quote(ThreadRead._meta.db_table)}"
            f" WHERE {quote('user_id')} = %s AND ({each})",
            params,
        )
        return frozenset(thread_id for (thread_id,) in cursor.fetchall())
