"""The filters and rows of an ideas list, rendered once and shared by every reader for IDEAS_LIST_CACHE_SECONDS.

A list page is the same for everyone who reads the same language and time
zone, but for each row's vote button (the reader's vote, their CSRF token)
and for the vote count, which moves all the time. So the cache holds the rows
with a marker where the button goes, plus the ideas' ids; each request then
reads the counts and statuses of those 20 ideas by primary key (one query),
the reader's votes among them (one more when signed in) and fills in the
buttons (ideas.votebutton). A reader's own vote always shows at once; a new
idea, a status tag or a reordering shows within IDEAS_LIST_CACHE_SECONDS.

Anonymous visitors, who cannot vote, get the whole page from the cache
(``shared_page``): no query at all, the counts as of up to
IDEAS_LIST_CACHE_SECONDS ago.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from forum import pagecache
from ideas import pages, votebutton
from ideas.models import CLOSED, Idea

_MARKER = re.compile(r"<!--vote:(\d+)-->")


def _key(product, *, sort, status, area_id, number) -> str:
    return (
        f"voting:list:{product.pk}:{sort}:{status or ''}:{area_id or ''}:{number}"
        f":{translation.get_language()}:{timezone.get_current_timezone_name()}"
    )


def _tabs(form, *, status, area_id) -> list[tuple[str, str, str]]:
    """Each order's link, keeping the filters (and only them: the rows are shared)."""
    kept = {name: value for name, value in (("status", status), ("area", area_id)) if value}
    return [(value, label, urlencode({"sort": value} | kept)) for value, label in form.fields["sort"].choices]


def _rows(request, *, product, form, sort, status, area_id, number) -> tuple[str, dict[int, str], bool]:
    key = _key(product, sort=sort, status=status, area_id=area_id, number=number)
    cached = cache.get(key) if settings.IDEAS_LIST_CACHE_SECONDS > 0 else None
    if cached is None:
        page = pages.idea_list(product=product, sort=sort, status=status, area_id=area_id, number=number)
        html = render_to_string(
            "ideas/_list_rows.html",
            {
                "page": page,
                "form": form,
                "sort": sort,
                "tabs": _tabs(form, status=status, area_id=area_id),
            },
            request=request,
        )
        cached = (html, {idea.pk: idea.get_absolute_url() for idea in page}, page.has_next)
        if settings.IDEAS_LIST_CACHE_SECONDS > 0:
            cache.set(key, cached, settings.IDEAS_LIST_CACHE_SECONDS)
    return cached


def list_rows(
    request, *, product, form, sort: str, status: str | None, area_id: int | None, number: int
) -> tuple[SafeString, bool]:
    """The page's filters and rows with this reader's vote buttons, and whether a next page exists.
    ``form`` is the list's IdeaListForm (its choices render in the shared part)."""
    html, urls, has_next = _rows(
        request, product=product, form=form, sort=sort, status=status, area_id=area_id, number=number
    )
    fresh = {
        pk: (count, state)
        for pk, count, state in Idea.objects.filter(pk__in=urls).values_list("pk", "vote_count", "status")
    }
    voted = pages.voted_ids(request.user, list(urls))
    buttons = votebutton.VoteButtons(request, next_url=request.get_full_path())

    def button(match):
        idea_id = int(match.group(1))
        count, state = fresh.get(idea_id, (0, Idea.Status.DUPLICATE))
        return buttons.button(
            idea_id=idea_id, thread_url=urls[idea_id], count=count, voted=idea_id in voted, closed=state in CLOSED
        )

    # The rows are our own template's output (escaped there); the buttons are escaped by format_html.
    return mark_safe(_MARKER.sub(button, html)), has_next


_LIST_PARAMETERS = frozenset({"sort", "status", "area", "page"})


def _is_shareable(request: HttpRequest) -> bool:
    """A plain anonymous request (forum.pagecache) with nothing but short list parameters."""
    return (
        settings.IDEAS_LIST_CACHE_SECONDS > 0
        and all(len(value) <= 20 for value in request.GET.values())
        and pagecache.is_plain_anonymous_get(request, parameters=_LIST_PARAMETERS)
    )


def shared_page(request: HttpRequest, *, slug: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The whole list page for anonymous visitors, from the cache when another one saw it lately.
    Only pages rendered for an anonymous visitor (who passed the board's read check) are stored."""
    if not _is_shareable(request):
        return render()
    query = ":".join(f"{name}={request.GET.get(name, '')}" for name in sorted(_LIST_PARAMETERS))
    key = f"voting:list-page:{slug}:{query}:{translation.get_language()}:{timezone.get_current_timezone_name()}"
    cached = cache.get(key)
    if cached is not None:
        return HttpResponse(cached[0], content_type=cached[1])
    response = render()
    if pagecache.is_shareable(request, response):
        cache.set(key, (response.content, response["Content-Type"]), settings.IDEAS_LIST_CACHE_SECONDS)
    return response
