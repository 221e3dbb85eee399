"""The search page's reads: the boards the reader may read, then the index, then the page's posts.

Sits at the top with the other pages that read every app: the index (search)
knows nothing of boards or who may read them, so the audience comes from here,
with forum's rule (Board.objects.visible_to, the rule of forum.access). Hidden
threads and posts are never found, not even by moderators (they have the queue
and the boards).

Four queries whatever is found: the readable boards, the count (capped at
search.finding.COUNT_CAP), one page of hits, and the posts that give their
snippets with their authors.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from accounts.models import User
from forum.models import Board, Post
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
}


@dataclass(frozen=True)
class Result:
    kind: str
    kind_label: str
    url: str
    title: SafeString
    snippet: SafeString
    board: Board
    author: User
    created_at: datetime


def _page_number(value) -> int:
    try:
        return max(1, int(str(value)[:9]))
    except (TypeError, ValueError):
        return 1


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
    board_ids = [board.pk] if board else list(boards)
    context = {
        "q": text,
        "query": query,
        "kind": kind,
        "kinds": kinds,
        "order": order,
        "orders": ORDERS,
        "board": board,
        "boards": sorted(boards.values(), key=lambda each: (each.name, each.pk)),
        "page_number": page_number,
        "results": [],
        "count": 0,
        "count_capped": False,
        "last_page": 1,
        "past_the_end": False,
        "query_length": QUERY_LENGTH,
    }
    if not query:
        return context
    count = finding.count_hits(query=query, board_ids=board_ids, kind=kind or None)
    last_page = max(1, -(-count // PER_PAGE))
    context.update(
        count=count, count_capped=count >= finding.COUNT_CAP, last_page=last_page, past_the_end=page_number > last_page
    )
    if count and page_number <= last_page:
        hits = finding.find_hits(
            query=query,
            board_ids=board_ids,
            kind=kind or None,
            newest=order == "newest",
            offset=(page_number - 1) * PER_PAGE,
            limit=PER_PAGE,
        )
        context["results"] = _results(hits, query, boards)
    return context


def _results(hits: list[finding.Hit], query: Query, boards: dict) -> list[Result]:
    """The hits with their text (the post, or the thread's first post) and author: one query. A post hidden
    or deleted since it was found is left out here too."""
    post_ids = [hit.object_id for hit in hits if hit.kind == Document.Kind.POST]
    thread_ids = [hit.thread_id for hit in hits if hit.kind != Document.Kind.POST]
    posts = (
        Post.objects.filter(Q(pk__in=post_ids) | Q(thread_id__in=thread_ids, floor=1), hidden=False, deleted_at=None)
        .select_related("author")
        .only("pk", "thread_id", "floor", "source", "author__username", "author__display_name")
    )
    by_post = {post.pk: post for post in posts}
    by_thread = {post.thread_id: post for post in by_post.values() if post.floor == 1}
    results = []
    for hit in hits:
        if hit.kind == Document.Kind.POST:
            post = by_post.get(hit.object_id)
            url = reverse("forum:post", args=[hit.object_id])
        else:
            post = by_thread.get(hit.thread_id)
            url = reverse("forum:thread", args=[hit.thread_id])
        if post is None:
            continue
        results.append(
            Result(
                kind=hit.kind,
                kind_label=str(KIND_LABELS[hit.kind]),
                url=url,
                title=snippets.highlight(hit.title, query),
                snippet=snippets.snippet(post.source, query),
                board=boards[hit.board_id],
                author=post.author,
                created_at=hit.created_at,
            )
        )
    return results
