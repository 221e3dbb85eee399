"""The search page's reads: the boards the reader may read, then the index, then the page's texts.

Sits at the top with the other pages that read every app: the index (search)
knows nothing of boards or who may read them, so the audience comes from here,
with forum's rule (Board.objects.visible_to, the rule of forum.access). Hidden
threads and posts are never found, not even by moderators (they have the queue
and the boards); nor are changelog items of releases not published, nor
inactive people (their documents are hidden by the writing transaction).

Queries, whatever is found: the readable boards, the products (the product
filter), one search (the count, capped at search.finding.POOL, and one page of
hits), and the posts that give their snippets with their authors; one more for
the author filter's name, one for the changelog items and one for the people on
the page, only when there are.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote, urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from accounts.models import User
from forum.models import Board, Post
from releases.models import ChangelogItem, Product
from search import finding, snippets
from search.models import Document
from search.terms import QUERY_LENGTH, Query, parse_query

PER_PAGE = 20
ORDERS = ("relevance", "newest")
# What one result is, beside its title.
KIND_LABELS = {
    Document.Kind.THREAD: pgettext_lazy("a search result is a", "Thread"),
    Document.Kind.POST: pgettext_lazy("a search result is a", "Reply"),
    Document.Kind.IDEA: pgettext_lazy("a search result is a", "Idea"),
    Document.Kind.CHANGE: pgettext_lazy("a search result is a", "Changelog"),
    Document.Kind.PERSON: pgettext_lazy("a search result is a", "Person"),
}


@dataclass(frozen=True)
class Result:
    kind: str
    kind_label: str
    url: str
    title: SafeString
    snippet: SafeString
    board: Board | None
    board_url: str
    author: User | None
    author_url: str
    created_at: datetime


# A page links 60 things (each result, its board, its author): reverse() for each cost more than finding
# them, so each kind of link is reversed once per process and filled in (``_link``).
_PLACEHOLDER = "987654321"


@functools.cache
def _pattern(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER]).replace(_PLACEHOLDER, "{}")


def _link(name: str, value) -> str:
    return _pattern(name).format(quote(str(value), safe="!$&'()*+,;=~:@"))  # as reverse() quotes, "/" too


def _page_number(value) -> int:
    try:
        return max(1, int(str(value)[:9]))
    except (TypeError, ValueError):
        return 1


def _date(value) -> date | None:
    """A YYYY-MM-DD date, or None for anything else (a wrong date is left out, and the page says so)."""
    try:
        return date.fromisoformat(str(value or "")[:10]) if value else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` in the reader's zone (the active time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def search_page(*, user, params) -> dict:
    """Everything the search page shows for the query string ``params`` (request.GET)."""
    text = " ".join((params.get("q") or "").split())
    query = parse_query(text)
    kinds = dict(Document.Kind.choices)
    kind = params.get("kind") if params.get("kind") in kinds else ""
    order = params.get("order") if params.get("order") in ORDERS else ORDERS[0]
    page_number = _page_number(params.get("page"))
    boards = {board.pk: board for board in Board.objects.visible_to(user).only("pk", "slug", "name")}
    board = next((each for each in boards.values() if each.slug == params.get("board")), None)
    products = list(Product.objects.only("pk", "slug", "name"))
    product = next((each for each in products if each.slug == params.get("product")), None)
    author_name = (params.get("author") or "").strip()[:150].lstrip("@")
    since, until = _date(params.get("from")), _date(params.get("to"))
    wrong_dates = [name for name in ("from", "to") if params.get(name) and _date(params.get(name)) is None]
    context = {
        "q": text,
        "query": query,
        "kind": kind,
        "kinds": kinds,
        "order": order,
        "orders": ORDERS,
        "board": board,
        "boards": sorted(boards.values(), key=lambda each: (each.name, each.pk)),
        "product": product,
        "products": products,
        "author_name": author_name,
        "author_unknown": False,
        "since": since,
        "until": until,
        "wrong_dates": bool(wrong_dates),
        "page_number": page_number,
        "results": [],
        "count": 0,
        "count_capped": False,
        "last_page": 1,
        "past_the_end": False,
        "query_length": QUERY_LENGTH,
        "filters": _filter_params(text, kind, board, product, author_name, since, until, order),
    }
    if not query:
        return context
    author_id = None
    if author_name:
        author_id = User.objects.filter(username__iexact=author_name).values_list("pk", flat=True).first()
        if author_id is None:
            context["author_unknown"] = True
            return context
    filters = finding.Filters(
        # A board or a product narrows the search to what is in boards (a product: its ideas).
        kinds=(kind,) if kind else (),
        author_id=author_id,
        product_id=product.pk if product else None,
        since=_start_of(since) if since else None,
        until=_start_of(until + timedelta(days=1)) if until else None,
    )
    found = finding.find(
        query=query,
        board_ids=[board.pk] if board else list(boards),
        public=board is None,
        filters=filters,
        newest=order == "newest",
        offset=(page_number - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    last_page = max(1, -(-found.count // PER_PAGE))
    context.update(
        count=found.count,
        count_capped=found.capped,
        last_page=last_page,
        past_the_end=page_number > last_page,
        results=_results(found.hits, query, boards),
    )
    return context


def _filter_params(text, kind, board, product, author_name, since, until, order) -> str:
    """The query string of this search without its page (the pages' links add theirs)."""
    pairs = {
        "q": text,
        "kind": kind,
        "board": board.slug if board else "",
        "product": product.slug if product else "",
        "author": author_name,
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
        "order": order,
    }
    return urlencode({key: value for key, value in pairs.items() if value})


def _results(hits: list[finding.Hit], query: Query, boards: dict) -> list[Result]:
    """The hits with their text and author: the posts (or threads' first posts) in one query, the changelog
    items and the people in one each when the page has any. What was hidden or deleted since it was found is
    left out here too."""
    Kind = Document.Kind
    post_ids = [hit.object_id for hit in hits if hit.kind == Kind.POST]
    thread_ids = [hit.thread_id for hit in hits if hit.kind in (Kind.THREAD, Kind.IDEA)]
    by_post, by_thread, items, people = {}, {}, {}, {}
    if post_ids or thread_ids:
        posts = (
            # Checked on the primary again, as the page shows it (the index may be read from a replica a
            # moment behind, search/routing.py): not hidden, not deleted, in a thread shown in a board the
            # reader may read.
            Post.objects.filter(
                Q(pk__in=post_ids) | Q(thread_id__in=thread_ids, floor=1),
                hidden=False,
                deleted_at=None,
                thread__hidden=False,
                thread__board_id__in=list(boards),
            )
            .select_related("author", "thread")
            .only("pk", "thread_id", "floor", "source", "author__username", "author__display_name", "thread__board_id")
        )
        by_post = {post.pk: post for post in posts}
        by_thread = {post.thread_id: post for post in by_post.values() if post.floor == 1}
    item_ids = [hit.object_id for hit in hits if hit.kind == Kind.CHANGE]
    if item_ids:
        items = {
            item.pk: item
            for item in ChangelogItem.objects.filter(pk__in=item_ids, release__state="published").select_related(
                "release__product", "release__created_by"
            )
        }
    person_ids = [hit.object_id for hit in hits if hit.kind == Kind.PERSON]
    if person_ids:
        people = {person.pk: person for person in User.objects.filter(pk__in=person_ids, is_active=True)}
    results = []
    for hit in hits:
        if hit.kind in (Kind.CHANGE, Kind.PERSON):
            result = _other_result(hit, query, items, people)
            if result:
                results.append(result)
            continue
        if hit.kind == Kind.POST:
            post = by_post.get(hit.object_id)
            url = _link("forum:post", hit.object_id)
        else:
            post = by_thread.get(hit.thread_id)
            url = _link("forum:thread", hit.thread_id)
        if post is None:
            continue
        results.append(
            Result(
                kind=hit.kind,
                kind_label=str(KIND_LABELS[hit.kind]),
                url=url,
                title=snippets.highlight(hit.title, query),
                snippet=snippets.snippet(post.source, query),
                board=boards[post.thread.board_id],
                board_url=_link("forum:board", boards[post.thread.board_id].slug),
                author=post.author,
                author_url=_link("profile", post.author.username),
                created_at=hit.created_at,
            )
        )
    return results


def _other_result(hit: finding.Hit, query: Query, items: dict, people: dict) -> Result | None:
    """A changelog item's or a person's result."""
    if hit.kind == Document.Kind.CHANGE:
        item = items.get(hit.object_id)
        if item is None:
            return None
        return Result(
            kind=hit.kind,
            kind_label=str(KIND_LABELS[hit.kind]),
            url=item.get_absolute_url(),
            title=snippets.highlight(f"{item.title} · {item.release.product.name} {item.release.version}", query),
            snippet=snippets.snippet(item.description, query),
            board=None,
            board_url="",
            author=item.release.created_by,
            author_url=_link("profile", item.release.created_by.username) if item.release.created_by else "",
            created_at=hit.created_at,
        )
    person = people.get(hit.object_id)
    if person is None:
        return None
    return Result(
        kind=hit.kind,
        kind_label=str(KIND_LABELS[hit.kind]),
        url=_link("profile", person.username),
        title=snippets.highlight(person.shown_name, query),
        snippet=snippets.highlight(f"@{person.username}", query),
        board=None,
        board_url="",
        author=person,
        author_url=_link("profile", person.username),
        created_at=hit.created_at,
    )
