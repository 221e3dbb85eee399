"""Whole-page cache for anonymous visitors on the board and thread pages.

Most page views are anonymous readers arriving from search and shared links;
for them a board or thread page is the same HTML for everyone who reads the
same language, so it is rendered once and served from the cache (Redis in
production) with no database query at all.

Freshness: each thread and each board has a generation token in the cache and
a cached page is stored under the token current when it was rendered. Every
process that changes what a page shows (posting, editing, deleting, liking,
moderating) calls ``forget_after_commit``, which replaces the tokens at once
and again once the transaction has committed, so the next visitor gets a fresh
render; a poster's new name, avatar or role replaces those of every thread
they posted in (forum.shells.forget_author). What changes without such a call
(view counts flushed every minute, post counts, "3 minutes ago") is at most
``FORUM_PAGE_CACHE_SECONDS`` old.

Only plain requests are cached: anonymous, GET, no query string but ``page``
(digits), no pending flash message. Everything else renders as usual.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from canyu import generations
from canyu.generations import now_and_after_commit

# Generations (canyu.generations) outlive the pages stored under them.
GENERATION_SECONDS = generations.SECONDS
PAGE_ONLY = frozenset({"page"})


def generation_key(scope: str, object_id: int) -> str:
    return f"forum:gen:{scope}:{object_id}"


def is_plain_anonymous_get(request: HttpRequest, *, parameters: frozenset[str]) -> bool:
    """Anonymous, GET, nothing in the query string but ``parameters``, no pending flash message:
    a request whose page is the same for every such visitor. Also used by voting.listcache."""
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
    return (settings.FORUM_PAGE_CACHE_SECONDS > 0 and request.GET.get("page", "1").isdigit()
            and is_plain_get(request, parameters=PAGE_ONLY))


def generation(scope: str, object_id: int) -> int:
    return generations.current(generation_key(scope, object_id))


def serve(request: HttpRequest, *, scope: str, object_id: int, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The cached page if there is one, else ``render()`` (stored when cacheable).

    A hit is one cache round trip: the page and the generations it must match
    are fetched together. A page is stored with the generations read before
    it was rendered, so one rendered from data a concurrent change has just
    replaced never matches the new generation.
    """
    if not is_cacheable(request):
        return render()
    page_key = (
        f"forum:page:{scope}:{object_id}:{request.GET.get('page', '1')}"
        f":{translation.get_language()}:{settings.TIME_ZONE}"
    )
    # The "all" generation moves when an admin changes a board (who may read it).
    generation_keys = [generation_key(scope, object_id), generation_key("all", 0)]
    found = cache.get_many([page_key, *generation_keys])
    generations = tuple(found.get(key) for key in generation_keys)
    cached = found.get(page_key)
    if cached is not None and None not in generations and cached[0] == generations:
        return HttpResponse(cached[1], content_type=cached[2])
    if None in generations:
        generations = (generation(scope, object_id), generation("all", 0))
    response = render()
    if is_shareable(request, response):
        cache.set(page_key, (generations, response.content, response["Content-Type"]),
                  settings.FORUM_PAGE_CACHE_SECONDS)
    return response


def known_board_id(slug: str) -> int | None:
    """The id of the board at ``slug``, as last seen (the board page is cached by id)."""
    return cache.get(f"forum:board-id:{generation('all', 0)}:{slug}")


def remember_board_id(slug: str, board_id: int) -> None:
    # Under the "all" generation: renaming a board in the admin forgets it.
    cache.set(f"forum:board-id:{generation('all', 0)}:{slug}", board_id, GENERATION_SECONDS)


def forget(*, thread_ids: Iterable[int] = (), board_ids: Iterable[int] = (), everything: bool = False,
           scopes: Iterable[tuple[str, int]] = ()) -> None:
    """Make the cached pages of these threads and boards (or of all) unreachable; move the generations of
    other ``scopes`` too (forum.shells keeps readers' roles under theirs)."""
    generations.move([
        *([generation_key("all", 0)] if everything else []),
        *(generation_key("thread", thread_id) for thread_id in thread_ids),
        *(generation_key("board", board_id) for board_id in board_ids),
        *(generation_key(scope, object_id) for scope, object_id in scopes),
    ])


def forget_after_commit(*, thread_ids: Iterable[int] = (), board_ids: Iterable[int] = ()) -> None:
    """Call from inside a process function's transaction: forgets now, and again once the change is visible.

    Now, so that the writer's own next page (and a test's, whose transaction
    never commits) is fresh; after commit too, because a reader rendering
    between the first forget and the commit stores the old page under the new
    generation, and the second makes that page unreachable.
    """
    thread_ids, board_ids = list(thread_ids), list(board_ids)
    now_and_after_commit(lambda: forget(thread_ids=thread_ids, board_ids=board_ids))


def forget_reader(user_id: int) -> None:
    """Call from inside a process function that changes what a signed-in reader has done that their pages
    show (a follow, a read mark): forum.shells reads it again. Now and after commit, as above."""
    now_and_after_commit(lambda: forget(scopes=[("reader", user_id)]))


def forget_everything(**kwargs) -> None:
    """Signal receiver: a board was changed in the admin (name, parent, roles). Now and after commit,
    as forget_after_commit."""
    now_and_after_commit(lambda: forget(everything=True))
