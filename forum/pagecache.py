"""Board and thread pages, built once and served to every reader of the same kind.

Anonymous visitors get whole pages from here; signed-in readers get shells
(forum.shells) kept here the same way. The scheme, in four rules:

1. Every request reads the thread's (or board's) ``Entry`` (forum.access): who
   may read it and its versions, in one query. It is refused or served on
   that, never on anything cached.
2. A copy is kept in a slot named by what it is (page, language, time zone,
   code, kind of reader) and by its *audience* versions: Thread.audience_version
   and Board.version, which the writing transaction moves with a hide, a move
   or a change of read roles. A copy is never looked up under other ones.
3. In the slot, the copy carries the *fresh* versions it was built under:
   Thread.version (a pin, a lock...), the versions of the buckets of floors
   it shows (Thread.page_versions: a like or an edit moves its post's only)
   and what the page shows of the replies (thread_fresh: a reply changes the
   last page and, every twentieth, the page count, not the other pages), or the board's
   threads_version; and the generation tokens of the non-forum data it shows
   (posters' names, avatars and badges: forum.shells). A copy whose fresh
   versions match, younger than FORUM_PAGE_CACHE_SECONDS ("3 minutes ago",
   view counts), is served.
4. Otherwise one process rebuilds it (a lock in the cache); meanwhile the
   others serve the copy in the slot if it is younger than
   FORUM_PAGE_STALE_SECONDS. Since the slot is named by the audience
   versions, that copy is never one from before a hide, move or permission
   change.

The versions are moved by the UPDATE each process already runs (posting,
moderation, liking: ``post_changed``), or by ``changed`` in the processes of other apps that
change what a page shows (a panel's votes, a pin): they commit with the data,
and a copy can only be found under the versions read with the rules that
allowed its reader. No invalidation runs after commit.

Only plain requests are cached: GET, no query string but ``page`` (digits), no
pending flash message. Everything else renders as usual.
"""

import math
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation

from canyu import generations
from forum import access, fragments
from forum.models import Board, Thread
from forum.pages import POSTS_PER_PAGE

# Generations (canyu.generations) outlive the pages stored under them.
GENERATION_SECONDS = generations.SECONDS
PAGE_ONLY = frozenset({"page"})


def generation_key(scope: str, object_id: int) -> str:
    return f"forum:gen:{scope}:{object_id}"


def is_plain_anonymous_get(request: HttpRequest, *, parameters: frozenset[str]) -> bool:
    """Anonymous, GET, nothing in the query string but ``parameters``, no pending flash message:
    a request whose page is the same for every such visitor. Also used by ideas.listcache."""
    return not request.user.is_authenticated and is_plain_get(request, parameters=parameters)


def is_plain_get(request: HttpRequest, *, parameters: frozenset[str]) -> bool:
    """GET, nothing in the query string but ``parameters``, no pending flash message
    (forum.shells serves signed-in readers on the same terms)."""
    if request.method != "GET" or set(request.GET) - parameters:
        return False
    # A flash message ("You have signed out.") belongs to this visitor only.
    # len() looks without marking the messages as shown.
    return len(messages.get_messages(request)) == 0


def is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a page rendered for a plain anonymous request may be stored for others: a page that
    asked for a CSRF token or set a cookie carries this visitor's own, and is never shared."""
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies
    return response.status_code == 200 and not personal and not getattr(response, "streaming", False)


def is_cacheable(request: HttpRequest) -> bool:
    """Whether this request may get (and store) a shared page; if not, skip the cache round trips."""
    return not request.user.is_authenticated and is_plain_page_get(request)


def is_plain_page_get(request: HttpRequest) -> bool:
    """Page caching on, GET, nothing in the query string but a numeric ``page``, no pending flash message:
    anonymous visitors get a shared page (above), signed-in readers a shared shell (forum.shells)."""
    return (
        settings.FORUM_PAGE_CACHE_SECONDS > 0
        and request.GET.get("page", "1").isdigit()
        and is_plain_get(request, parameters=PAGE_ONLY)
    )


def token(found: dict, key: str) -> int:
    """The generation token at ``key`` from a get_many's ``found``, drawn if there was none."""
    value = found.get(key)
    return generations.current(key) if value is None else value


# --- Keys ----------------------------------------------------------------------


def page_key(kind: str, entry: access.Entry, request: HttpRequest, *, reader: str) -> str:
    """The slot of a page: what it is, for which ``reader`` kind, under which audience versions (rule 2)."""
    audience = ".".join(str(version) for version in entry.audience)
    return (
        f"forum:page:{kind}:{entry.object_id}:{audience}:{request.GET.get('page', '1')}"
        f":{translation.get_language()}:{timezone.get_current_timezone_name()}:{fragments.code_version()}"
        f":{reader}"
    )


def thread_fresh(entry: access.Entry, request: HttpRequest, *, moderator: bool) -> tuple:
    """What a thread page shows of the thread's versions (rule 3).

    Fans see reply_count + 1 - hidden_posts posts. Page n shows those up to
    n × POSTS_PER_PAGE and the number of pages, so a reply changes the last
    page and, when it starts a page, the page count: the other pages stay
    fresh. A like or an edit moves its post's bucket of POSTS_PER_PAGE floors
    (``post_changed``): page n shows floors from bucket n - 1 up to the one
    that the hidden posts before it may push its last post into. Moderators
    see hidden and deleted posts too: page n is bucket n - 1, and any reply
    changes every page of theirs (they are few).
    """
    version, replies, hidden = entry.version
    pages = entry.page_versions
    if moderator:
        number = int(request.GET.get("page", "1"))
        count = max(1, math.ceil((replies + 1) / POSTS_PER_PAGE))
        number = number if 1 <= number <= count else count
        return version, replies, pages.get(str(number - 1), 0)
    shown = replies + 1 - hidden
    count = max(1, math.ceil(shown / POSTS_PER_PAGE))
    number = int(request.GET.get("page", "1"))
    # A number past the end (or 0) shows the last page.
    number = number if 1 <= number <= count else count
    last_bucket = (number * POSTS_PER_PAGE + hidden - 1) // POSTS_PER_PAGE
    return (
        version,
        min(shown, number * POSTS_PER_PAGE),
        count,
        tuple(pages.get(str(bucket), 0) for bucket in range(number - 1, last_bucket + 1)),
    )


def fresh_of(kind: str, entry: access.Entry, request: HttpRequest, *, moderator: bool) -> tuple:
    return thread_fresh(entry, request, moderator=moderator) if kind == "thread" else entry.version


# --- Serving -------------------------------------------------------------------


class Copy(NamedTuple):
    fresh: tuple  # the fresh versions and tokens it was built under (rule 3)
    built_at: float  # time.time() before it was built
    page: object


Result = TypeVar("Result")
Page = TypeVar("Page")


def serve(key: str, fresh: tuple, found: dict, build: Callable[[], tuple[Result, Page | None]]) -> Result | Page:
    """The page in slot ``key`` (fetched into ``found``) if built under ``fresh`` and young enough, else
    ``build()``'s result, which returns (result, page to keep or None). One build at a time (rule 4)."""
    copy, now = found.get(key), time.time()
    if copy is not None and copy.fresh == fresh and now - copy.built_at < settings.FORUM_PAGE_CACHE_SECONDS:
        return copy.page
    lock = f"{key}:building"
    building = cache.add(lock, 1, max(1, settings.FORUM_PAGE_STALE_SECONDS))
    if not building and copy is not None and now - copy.built_at < settings.FORUM_PAGE_STALE_SECONDS:
        return copy.page  # another process is building it
    try:
        result, page = build()
        if page is not None:
            cache.set(key, Copy(fresh, now, page), settings.FORUM_PAGE_CACHE_SECONDS)
    finally:
        if building:
            cache.delete(lock)
    return result


def serve_anonymous(
    request: HttpRequest, *, kind: str, entry: access.Entry | None, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page for an anonymous visitor, refused (404) on ``entry`` or served from its slot.

    A hit is one query (the entry) and one cache round trip (the slot and the
    posters' generation token).
    """
    if not access.may_read_entry(entry, superuser=False, role_ids=(), moderator=False):
        raise Http404
    key, token_key = page_key(kind, entry, request, reader="anonymous"), generation_key(kind, entry.object_id)
    found = cache.get_many([key, token_key])
    fresh = (*fresh_of(kind, entry, request, moderator=False), token(found, token_key))

    def build():
        response = render()
        return response, ((response.content, response["Content-Type"]) if is_shareable(request, response) else None)

    page = serve(key, fresh, found, build)
    return page if isinstance(page, HttpResponse) else HttpResponse(page[0], content_type=page[1])


# --- Moving versions -------------------------------------------------------------


def changed(*, thread_ids: Iterable[int] = (), board_ids: Iterable[int] = ()) -> None:
    """Call in the transaction of a change, after it, that alters what these threads' pages show (not who may
    see them: a panel's votes, a pin) or these boards' lists, made by a process of another app."""
    thread_ids, board_ids = list(thread_ids), list(board_ids)
    if thread_ids:
        Thread.objects.filter(pk__in=thread_ids).update(version=F("version") + 1)
    if board_ids:
        Board.objects.filter(pk__in=board_ids).update(threads_version=F("threads_version") + 1)


def post_changed(*, thread_id: int, floor: int) -> None:
    """Call in the transaction of a change to one post that its pages show (a like, an edit): moves its
    bucket of floors in Thread.page_versions, so only the pages that can show it are built again."""
    bucket = str((floor - 1) // POSTS_PER_PAGE)
    if connection.vendor == "postgresql":
        incremented = RawSQL(
            "jsonb_set(page_versions, %s::text[], to_jsonb(COALESCE((page_versions ->> %s)::bigint, 0) + 1))",
            (f"{{{bucket}}}", bucket),
        )
    else:
        path = f'$."{bucket}"'
        incremented = RawSQL(
            "json_set(page_versions, %s, COALESCE(json_extract(page_versions, %s), 0) + 1)", (path, path)
        )
    Thread.objects.filter(pk=thread_id).update(page_versions=incremented)


# Boards and their roles are written by the admin (a form and Django's m2m API), so
# these receivers move Board.version: in the same transaction as the change, in the
# database, not in the cache.


def board_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save: a board's name, address or parent (its children's pages name it too)."""
    if not raw:
        Board.objects.filter(Q(pk=instance.pk) | Q(parent=instance.pk)).update(version=F("version") + 1)


def board_roles_changed(sender, instance, action: str, **kwargs) -> None:
    """m2m_changed on read_roles and start_roles."""
    if action in ("post_add", "post_remove", "post_clear"):
        Board.objects.filter(pk=instance.pk).update(version=F("version") + 1)


def group_deleting(sender, instance, **kwargs) -> None:
    """pre_delete on Group: deleting it removes it from boards' roles without m2m_changed."""
    Board.objects.filter(Q(read_roles=instance) | Q(start_roles=instance)).update(version=F("version") + 1)


# --- Generation tokens (what is not forum data) ---------------------------------------


def forget(
    *, thread_ids: Iterable[int] = (), board_ids: Iterable[int] = (), scopes: Iterable[tuple[str, int]] = ()
) -> None:
    """Move the generation tokens of the posters shown on these threads' and boards' pages (their names,
    avatars, badges: forum.shells) and of other ``scopes`` (a reader's roles or own state)."""
    generations.move(
        [
            *(generation_key("thread", thread_id) for thread_id in thread_ids),
            *(generation_key("board", board_id) for board_id in board_ids),
            *(generation_key(scope, object_id) for scope, object_id in scopes),
        ]
    )


def forget_reader(user_id: int) -> None:
    """Call from inside a process function that changes what a signed-in reader has done that their pages
    show (a follow, a read mark): forum.shells reads it again. Now and after commit
    (canyu.generations.now_and_after_commit): it is kept beside the reader's session, not the page."""
    generations.now_and_after_commit(lambda: forget(scopes=[("reader", user_id)]))
