"""A fan's profile page: who they are and what they did, one tab a page at a time.

The tabs read forum, ideas, feedback and releases rows, so the page sits here at the top
of the import order with the home page (accounts imports none of those apps).
``profile_page`` does every read; the template gets plain rows and never queries.

What others see: threads and replies in boards the viewer may read, never
hidden or deleted ones (not even for moderators: they have the queue); ideas
whose threads are shown the same way; releases a fan sent a four-cell report on,
but not what they picked or wrote, which only the fan and product managers read
(the fan sees their own picks here). Nothing of a release that is not published.

Each tab costs one query whatever the fan did (the page's rows and one more, to
know whether an older page exists: no COUNT over a long history), the shipped tab
three (items, then feedback's frozen record: items received and Popcorn Awards).
Served by indexes on (author, created_at) of threads and posts, and (fan,
created_at) of reports.
"""

import html
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from accounts.models import User
from accounts.roles import Role
from feedback import pages
from feedback.models import Report
from forum.models import Board, Post, Thread
from honour import pages as honour_pages
from ideas.models import Idea
from releases import pages as release_pages
from releases.models import Release

PER_PAGE = 20
# Deep pages read every row before them (OFFSET): a profile stops here (20 000 rows).
MAX_PAGE = 1000
SNIPPET_CHARS = 140


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str | Promise  # lazily translated


TABS = [
    Tab("threads", _("Threads")),
    Tab("posts", pgettext_lazy("profile tab", "Replies")),
    Tab("ideas", _("Ideas")),
    Tab("reports", pgettext_lazy("four-cell report", "Reports")),
    Tab("shipped", pgettext_lazy("changelog items an engineer shipped", "Shipped")),
]


@dataclass(frozen=True)
class Reply:
    """A reply on the profile: where it is and the start of its text."""

    url: str
    thread_title: str
    thread_url: str
    snippet: str
    created_at: datetime


def page_number(value: str | None) -> int:
    """``?page=`` as a number from 1 to MAX_PAGE; anything else is the first page."""
    if value and value.isdigit() and 1 <= int(value) <= MAX_PAGE:
        return int(value)
    return 1


def tabs_of(fan: User) -> list[Tab]:
    """Every fan's activity tabs, and "Shipped" for engineers (uses the prefetched groups)."""
    engineer = any(group.name == Role.ENGINEER.value for group in fan.groups.all())
    return [tab for tab in TABS if tab.slug != "shipped" or engineer]


def readable_boards(viewer) -> QuerySet:
    """The boards ``viewer`` may read, as a subquery (forum.models.BoardQuerySet.visible_to)."""
    return Board.objects.visible_to(viewer).values("pk")


def visible_threads(viewer) -> QuerySet:
    """Threads anyone browsing as ``viewer`` sees on a profile: not hidden, in a board they may read."""
    return Thread.objects.visible_to(viewer).filter(board__in=readable_boards(viewer))


def a_page(queryset: QuerySet, number: int) -> tuple[list, bool]:
    """The rows of page ``number`` and whether there is a later one (one query: a row more than a page)."""
    start = (number - 1) * PER_PAGE
    rows = list(queryset[start : start + PER_PAGE + 1])
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def snippet_of(post_html: str) -> str:
    text = " ".join(html.unescape(strip_tags(post_html)).split())
    return Truncator(text).chars(SNIPPET_CHARS)


def threads_tab(fan: User, viewer, number: int) -> tuple[list, bool]:
    threads = (
        visible_threads(viewer)
        .filter(author=fan)
        .select_related("board")
        .only("title", "created_at", "reply_count", "board__name", "board__slug")
        .order_by("-created_at", "-id")
    )
    return a_page(threads, number)


def posts_tab(fan: User, viewer, number: int) -> tuple[list, bool]:
    posts = (
        Post.objects.filter(author=fan, floor__gt=1, hidden=False, deleted_at=None, thread__in=visible_threads(viewer))
        .select_related("thread")
        .only("html", "created_at", "thread__title")
        .order_by("-created_at", "-id")
    )
    rows, more = a_page(posts, number)
    return [
        Reply(
            post.get_absolute_url(),
            post.thread.title,
            post.thread.get_absolute_url(),
            snippet_of(post.html),
            post.created_at,
        )
        for post in rows
    ], more


def ideas_tab(fan: User, viewer, number: int) -> tuple[list, bool]:
    ideas = (
        Idea.objects.filter(thread__author=fan, thread__in=visible_threads(viewer))
        .select_related("thread", "product")
        .only("status", "vote_count", "created_at", "thread__title", "product__name")
        .order_by("-created_at", "-id")
    )
    return a_page(ideas, number)


def reports_tab(fan: User, viewer, number: int) -> tuple[list, bool]:
    """The fan's reports on published releases; their picks only for themselves."""
    reports = (
        Report.objects.filter(fan=fan, release__state=Release.State.PUBLISHED)
        .select_related("release__product")
        .order_by("-created_at", "-id")
    )
    if viewer.pk == fan.pk:
        reports = reports.select_related("loved", "weakest", "awaited__thread")
    else:
        reports = reports.only("created_at", "release__version", "release__product__name", "release__product__slug")
    return a_page(reports, number)


def shipped_tab(fan: User, viewer, number: int) -> tuple[list, bool]:
    start = (number - 1) * PER_PAGE
    rows = release_pages.shipped_items(fan, start=start, stop=start + PER_PAGE + 1)
    return rows[:PER_PAGE], len(rows) > PER_PAGE


READS = {"threads": threads_tab, "posts": posts_tab, "ideas": ideas_tab, "reports": reports_tab, "shipped": shipped_tab}


def profile_page(*, fan: User, viewer, tab: str | None, page: str | None) -> dict:
    """Everything the profile template shows. ``fan`` comes with its standing and groups."""
    tabs = tabs_of(fan)
    slugs = [each.slug for each in tabs]
    if tab not in slugs:
        tab = "shipped" if "shipped" in slugs else "threads"  # an engineer's profile opens on their work
    number = page_number(page)
    rows, more = READS[tab](fan, viewer, number)
    context = {
        "fan": fan,
        "tabs": tabs,
        "tab": tab,
        "rows": rows,
        "page_number": number,
        "has_previous": number > 1,
        "has_next": more,
        "own": viewer.pk == fan.pk,
        # Points and level (read with the fan), medals: one query (honour.pages).
        "honours": honour_pages.profile_honours(fan),
    }
    if tab == "shipped" and number == 1:
        context["record"] = pages.popcorn_record(fan)
    return context
