"""Post articles and board rows, each rendered once and then reused from the cache.

Signed-in readers cannot share whole pages the way anonymous ones do
(forum.pagecache): each sees their own likes, edit links and header. But a
post looks the same to everyone in the same relation to it, so each
<article> (and each row of a board) is cached on its own, and a page fetches
all of its fragments with one ``cache.get_many``.

A fragment's key is a digest of every input its template reads: the post's
row (text, like count, hidden, deleted, edited), its author's name, avatar,
phone model, post count and badge, the reader's relation to it (signed in,
own post, liked, moderator, may reply, page number), "3 minutes ago" as the
reader's language words it, the time zone, the language, and the templates,
URLs and translation catalogue that render it. Change any of them and the key
changes, so a stale fragment is never found: nothing needs invalidating and no
process can forget to. Old fragments simply expire.

Fragments carry no CSRF token: their buttons submit the page's one
``post-actions`` form (``form=`` and ``formaction=`` attributes), so a
fragment holds nothing personal.
"""

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import django
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import Role
from honour import levels
from honour.medals import shown_medals

# Long enough that a thread read all day is rendered a few times, short enough
# that fragments of posts nobody reads any more leave Redis soon (each post has
# a few: one per kind of reader, language and "… ago").
FRAGMENT_SECONDS = 60 * 60

# Every template whose output is kept here, includes too (a test checks).
FRAGMENT_TEMPLATES = (
    "forum/_posts.html",
    "forum/_post_actions.html",
    "forum/_thread_row.html",
    "accounts/_avatar.html",
    "accounts/_badge.html",
    "_form_fields.html",
    "_account_nav.html",
)
# Every URL a fragment links to, by name and a sample argument.
FRAGMENT_URLS = (
    ("forum:post", 1),
    ("forum:like", 1),
    ("forum:report_post", 1),
    ("forum:moderate_post", 1),
    ("forum:post_revisions", 1),
    ("forum:edit_post", 1),
    ("forum:delete_post", 1),
    ("forum:thread", 1),
    ("forum:first_unread", 1),
    ("profile", "a"),
    ("notifications:list", None),
    ("accounts:preferences", None),
    ("account_logout", None),
)


CODE_MODULES = ("fragments.py", "pagecache.py", "shells.py", "views.py")


def code_version() -> str:
    """A digest of the code that renders fragments and shells: templates, URLs, translations, Django,
    MEDIA_URL, and the modules that build them.

    Part of every key, so after a deploy that changes any of them no fragment
    rendered by the old code is served. Computed once per process, except with
    DEBUG on, where runserver picks up template edits without restarting.
    """
    return _code_version() if settings.DEBUG else _process_code_version()


@functools.cache
def _process_code_version() -> str:
    return _code_version()


def _code_version() -> str:
    digest = hashlib.blake2b(f"{django.get_version()} {settings.MEDIA_URL}".encode(), digest_size=8)
    for name in FRAGMENT_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    for name, argument in FRAGMENT_URLS:
        digest.update(reverse(name, args=[] if argument is None else [argument]).encode())
    for locale_path in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(locale_path).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    # The Python that builds what is kept (forum.shells keeps tuples of its own
    # making: a deploy that changes their shape must not read the old ones).
    for module in CODE_MODULES:
        digest.update(Path(__file__).with_name(module).read_bytes())
    return digest.hexdigest()


def _key(kind: str, inputs: tuple) -> str:
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"forum:frag:{kind}:{code_version()}:{digest}"


def _cached_each(kind: str, inputs_list: list[tuple], render_many) -> list:
    """The fragments for ``inputs_list``, in order: fetched together, the missing ones rendered together
    (``render_many(inputs of each missing one)`` gives theirs, in order) and stored."""
    keys = [_key(kind, inputs) for inputs in inputs_list]
    found = cache.get_many(keys)
    waiting = {key: inputs for key, inputs in zip(keys, inputs_list, strict=True) if key not in found}
    if waiting:
        missing = dict(zip(waiting, render_many(list(waiting.values())), strict=True))
        cache.set_many(missing, FRAGMENT_SECONDS)
        found.update(missing)
    return [found[key] for key in keys]


# --- Links --------------------------------------------------------------------
#
# A fragment's links are built by joining strings, not by a reverse() each (a
# signed-in thread page's shell had 252 of them, a fifth of its rendering):
# each URL is reversed once per process with a stand-in argument, and split
# around it. Fragment templates use no {% url %} (a test says so).

_STAND_IN = "2147483647"


@functools.lru_cache(maxsize=8)
def _link_parts(script_prefix: str) -> dict[str, tuple[str, str]]:
    """Each fragment URL as (before, after) its argument, under ``script_prefix`` (reverse() adds it)."""
    return {
        name: tuple(reverse(name, args=[_STAND_IN]).split(_STAND_IN))
        for name, argument in FRAGMENT_URLS
        if argument is not None
    }


def _url_builder():
    """``url(name, argument)``: the URL reverse(name, args=[argument]) gives, for the names of FRAGMENT_URLS
    that take one (a text argument percent-encoded as reverse() encodes it)."""
    parts = _link_parts(get_script_prefix())

    def url(name: str, argument: int | str) -> str:
        before, after = parts[name]
        return f"{before}{argument if isinstance(argument, int) else quote(argument, safe=_URL_SAFE)}{after}"

    return url


_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unencoded


def _ago(value) -> str:
    return naturaltime(value) if value else ""


def _zone_and_language() -> tuple[str, str]:
    return timezone.get_current_timezone_name(), translation.get_language()


# --- Posts -------------------------------------------------------------------
#
# The posts of a page are rendered together: forum/_posts.html is one loop over
# plain dicts whose values are ready to print (links joined, times formatted,
# the author's badge and post count worded here), with no include, {% url %} or
# translation per post. The output is cut into one fragment per post, and only
# the posts missing from the cache are rendered. A cold signed-in page rendered
# _post.html twenty times, with two includes and a plural translation in each.


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads a thread page, as far as a post's buttons are concerned."""

    user_id: int | None
    moderator: bool
    may_reply: bool
    page_number: int


def render_posts(rows: list[dict], reader: Reader) -> SafeString:
    """The <article> of each post row (forum.pages.thread_page), from the cache where it can be."""
    signed_in = reader.user_id is not None
    posts = [
        (index, row, signed_in, signed_in and row["author_id"] == reader.user_id, row["liked"])
        for index, row in enumerate(rows)
    ]
    return mark_safe("".join(_cached_each("post", _post_inputs(posts, reader), _render_posts)))


# How a signed-in reader can stand to a post: (own, liked). Liking your own
# post is refused, and an own post shows no like button either way.
POST_RELATIONS = ((False, False), (False, True), (True, False))


def render_post_relations(rows: list[dict], reader: Reader) -> list[tuple[str, tuple[str, ...], str]]:
    """Each post as a signed-in reader sees it, whatever their relation to it (forum.shells): the start of
    its <article>, its actions in each of POST_RELATIONS, and the rest. One fragment per post, its frame
    rendered once, not one per relation (a shell kept three whole variants of each post).

    ``reader.user_id`` is not used: the relations are given, not derived from a reader.
    """
    zone, language = _zone_and_language()
    inputs_list = [
        (
            tuple(item for item in row.items() if item[0] != "liked"),
            _ago(row["created_at"]),
            _ago(row["edited_at"]),
            zone,
            language,
            reader.moderator,
            reader.may_reply,
            reader.page_number,
            row["floor"] > 1,
        )
        for row in rows
    ]
    return _cached_each("post-relations", inputs_list, _render_relations)


def _render_relations(inputs_list: list[tuple]) -> list[tuple[str, tuple[str, ...], str]]:
    posts = [
        _post_values((items + (("liked", False),), created_ago, edited_ago, zone, language, True, False, *rest))
        for items, created_ago, edited_ago, zone, language, *rest in inputs_list
    ]
    rendered = []
    for (before, after), (_, actions) in zip(_articles(posts), posts, strict=True):
        values = _action_values(actions)  # the same in every relation
        each = tuple(render_actions({**actions, "own": own, "liked": liked}, values) for own, liked in POST_RELATIONS)
        rendered.append((before, each, after))
    return rendered


def _post_inputs(posts: list[tuple[int, dict, bool, bool, bool]], reader: Reader) -> list[tuple]:
    """The key inputs of each (index on the page, row, signed in, own, liked)."""
    zone, language = _zone_and_language()
    inputs_list = []
    for _index, row, signed_in, own, liked in posts:
        # The first post of a thread is not deleted by its author: a moderator hides the thread.
        deletable = row["floor"] > 1
        items = tuple((name, liked if name == "liked" else value) for name, value in row.items())
        inputs_list.append(
            (
                items,
                _ago(row["created_at"]),
                _ago(row["edited_at"]),
                zone,
                language,
                signed_in,
                own,
                reader.moderator,
                reader.may_reply,
                reader.page_number,
                deletable,
            )
        )
    return inputs_list


def _render_posts(inputs_list: list[tuple]) -> list[str]:
    """Whole <article>s, each with its actions as its reader stands to it."""
    posts = [_post_values(inputs) for inputs in inputs_list]
    return [
        f"{before}{render_actions(actions)}{after}"
        for (before, after), (_, actions) in zip(_articles(posts), posts, strict=True)
    ]


# Where forum/_posts.html takes a post's actions, and where a post ends. Post texts cannot hold them
# (nh3 drops comments and control characters), and the actions are looked for after the text anyway.
_ACTIONS_HOLE = mark_safe("<!--post-actions-->")


@functools.cache
def _post_end() -> SafeString:
    # A digest of SECRET_KEY (as forum.shells' holes): no text a user writes can hold it and cut a post in two.
    token = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=8, person=b"canyu-post-end").hexdigest()
    return mark_safe(f"\x00post-end:{token}\x00")


def _articles(posts: list[tuple[dict, dict]]) -> list[tuple[str, str]]:
    """Each post's <article> as (before its actions, after them): forum/_posts.html rendered once for all."""
    if not posts:
        return []
    html = render_to_string(
        "forum/_posts.html", {"posts": [post for post, _ in posts], "actions": _ACTIONS_HOLE, "end": _post_end()}
    )
    articles = html.split(_post_end())[:-1]  # the loop ends each post with the marker
    if len(articles) != len(posts):
        raise ValueError("forum/_posts.html must print {{ end }} once after each post")
    pieces = []
    for article in articles:
        before, hole, after = article.rpartition(_ACTIONS_HOLE)
        if not hole:
            raise ValueError("forum/_posts.html must print {{ actions }} in each post")
        pieces.append((before, after))
    return pieces


def _post_values(inputs: tuple) -> tuple[dict, dict]:
    """What forum/_posts.html prints of a post, and what forum/_post_actions.html reads of it, from its key's
    inputs only (so that equal keys mean equal HTML).

    The reader appears only as relations (signed in, own post, liked...), never
    by id, so every reader in the same relation to a post shares its fragment.
    """
    items, created_ago, edited_ago, _zone, _language, signed_in, own, moderator, may_reply, page_number, deletable = (
        inputs
    )
    row = dict(items)
    pk, url = row["id"], _url_builder()
    deleted = row["deleted_at"] is not None
    urls = {
        "post": url("forum:post", pk),
        "like": url("forum:like", pk),
        "report": url("forum:report_post", pk),
        "moderate": url("forum:moderate_post", pk),
        "revisions": url("forum:post_revisions", pk),
        "edit": url("forum:edit_post", pk),
        "delete": url("forum:delete_post", pk),
    }
    post = {
        "pk": pk,
        "html": mark_safe(row["html"]),  # made safe by forum.rendering when it was stored
        "hidden": row["hidden"],
        "deleted": deleted,
        "created_iso": _iso(row["created_at"]),
        "created_ago": created_ago,
        "edited_iso": _iso(row["edited_at"]),
        "edited_ago": edited_ago,
        "urls": urls,
        "author": _author(row, url),
    }
    actions = {
        "signed_in": signed_in,
        "own": own,
        "liked": row["liked"],
        "moderator": moderator,
        "may_reply": may_reply,
        "hidden": row["hidden"],
        "edited_iso": post["edited_iso"],
        "deleted": deleted,
        "deletable": deletable,
        "pk": pk,
        "like_count": row["like_count"],
        "page_number": page_number,
        "urls": urls,
    }
    return post, actions


def _author(row: dict, url) -> dict:
    """What a post shows of its author (``post.author`` in forum/_posts.html): the one place to add to it,
    with its column in forum.pages.POST_COLUMNS."""
    shown_name = row["author__display_name"] or row["author__username"]
    return {
        "username": row["author__username"],
        "url": url("profile", row["author__username"]),
        "shown_name": shown_name,
        "initial": shown_name[:1].upper(),  # the blank avatar's letter, as accounts/_avatar.html draws it
        "avatar_url": _avatar_url(row["author__avatar"]) if row["author__avatar"] else "",
        "badge": _badge(row["badge"]) if row["badge"] else None,
        "phone_model": row["author__phone_model"],
        "post_count": row["author__post_count"],
        "posts": _post_count(row["author__post_count"]),
        "level": _level(row.get("author__standing__level") or 1, translation.get_language()),  # honour.levels
        "medals": shown_medals(row.get("author__standing__shown_medals")),  # those they chose to show
    }


@functools.lru_cache(maxsize=64)
def _level(number: int, language: str) -> dict:
    """A level as a post shows it beside the name: its name, and "Level 2 · 常客" as its title."""
    name = levels.level_name(number)
    return {
        "name": name,
        "title": translation.gettext("Level %(number)s · %(name)s") % {"number": number, "name": name},
    }


def _badge(name: str) -> dict:
    """A role's badge as accounts/_badge.html shows it: its CSS name and its label in the reader's language."""
    return _badge_in(name, translation.get_language())


@functools.lru_cache(maxsize=64)
def _badge_in(name: str, language: str) -> dict:
    role = Role(name)
    return {"name": role.name.lower(), "label": str(role.label)}


def _post_count(count: int) -> SafeString:
    """ "12 posts" in the reader's language: the words forum/index.html has, printed as {% blocktranslate %}
    prints them (the number formatted and escaped, the words as translated)."""
    return _post_count_in(count, translation.get_language(), code_version())


@functools.lru_cache(maxsize=2048)
def _post_count_in(count: int, language: str, code: str) -> SafeString:
    counter = render_value_in_context(count, _FORMAT_CONTEXT)
    return mark_safe(ngettext("%(counter)s post", "%(counter)s posts", count) % {"counter": counter})


# --- A post's actions ---------------------------------------------------------
#
# forum/_post_actions.html gives the same HTML for every post of the same shape
# (signed in, own, liked, moderator, may reply, hidden, edited, deleted,
# deletable) but for a few numbers: the post's id, its like count, its page and
# its URLs. So it is rendered once per shape, language and code version in each
# process, with markers where those go, and a post's actions are the pieces
# joined with its numbers, each formatted as the template formats it. A cold
# signed-in thread page rendered it 60 times (three relations to each of 20
# posts).

ACTION_FLAGS = ("signed_in", "own", "liked", "moderator", "may_reply", "hidden", "edited_iso", "deleted", "deletable")
ACTION_VALUES = ("pk", "like_count", "page_number")  # and every one of post.urls
URL_NAMES = ("post", "like", "report", "moderate", "revisions", "edit", "delete")


def render_actions(post: dict, values: dict[str, str] | None = None) -> str:
    """forum/_post_actions.html for ``post`` (a dict of ACTION_FLAGS, ACTION_VALUES and ``urls``): the same
    HTML as rendering it (a test says so). ``values``: _action_values(post), when the caller fills the same
    post's actions in several shapes."""
    values = values or _action_values(post)
    shape = tuple(bool(post[flag]) for flag in ACTION_FLAGS)
    pieces = _actions_pieces(shape, translation.get_language(), code_version())
    return "".join(piece if index % 2 == 0 else values[piece] for index, piece in enumerate(pieces))


def _action_values(post: dict) -> dict[str, str]:
    """Each of ACTION_VALUES and post.urls as {{ }} prints it."""
    urls = post["urls"]
    values = {name: _printed(post[name]) for name in ACTION_VALUES}
    values.update((f"urls.{name}", _printed(urls[name])) for name in URL_NAMES)
    return values


def _printed(value) -> str:
    """``value`` as {{ value }} prints it (render_value_in_context), the common cases without its detours:
    a whole number with no thousands separator, and text escaped."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _FORMAT_CONTEXT)


_FORMAT_CONTEXT = Context()  # as render_to_string's: autoescape on, localization as the settings say
_ACTION_MARKER = re.compile("\x00action:([a-z_.]+)\x00")


@functools.lru_cache(maxsize=256)
def _actions_pieces(shape: tuple[bool, ...], language: str, code: str) -> tuple[str, ...]:
    """The template for one shape, as [text, value name, text, ..., text]."""

    def marker(name):
        return mark_safe(f"\x00action:{name}\x00")

    flags = {
        flag: ("edited" if flag == "edited_iso" else True) if on else ("" if flag == "edited_iso" else False)
        for flag, on in zip(ACTION_FLAGS, shape, strict=True)
    }
    stand_in = {
        **flags,
        **{name: marker(name) for name in ACTION_VALUES},
        "urls": {name: marker(f"urls.{name}") for name in URL_NAMES},
    }
    html = render_to_string("forum/_post_actions.html", {"post": stand_in})
    return tuple(_ACTION_MARKER.split(html))


def _iso(value) -> str:
    # As the template filter date:"c" writes it: in the reader's time zone.
    return timezone.localtime(value).isoformat() if value else ""


def _avatar_url(name: str) -> str:
    return User._meta.get_field("avatar").storage.url(name)


# --- Board rows --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadCard:
    """Everything forum/_thread_row.html shows."""

    pk: int
    url: str
    unread_url: str
    title: str
    pinned: bool
    locked: bool
    hidden: bool
    unread: bool
    author_url: str
    author_name: str
    reply_count: int
    view_count: int
    last_poster_name: str
    last_activity_iso: str
    last_activity_ago: str


def render_thread_rows(rows: list[dict]) -> SafeString:
    """The <li> of each thread row (forum.pages.board_page), from the cache where it can be."""
    return mark_safe("".join(_cached_each("thread-row", _thread_row_inputs(rows), _render_thread_rows)))


def render_thread_row_states(rows: list[dict]) -> list[tuple[str, str]]:
    """Each thread row's <li> read and unread, whatever its ``unread`` says (forum.shells)."""
    both = [{**row, "unread": unread} for row in rows for unread in (False, True)]
    html = _cached_each("thread-row", _thread_row_inputs(both), _render_thread_rows)
    return [(html[start], html[start + 1]) for start in range(0, len(html), 2)]


def _thread_row_inputs(rows: list[dict]) -> list[tuple]:
    zone, language = _zone_and_language()
    return [(tuple(row.items()), _ago(row["last_activity_at"]), zone, language) for row in rows]


def _render_thread_rows(inputs_list: list[tuple]) -> list[str]:
    return [_render_thread_row(inputs) for inputs in inputs_list]


def _render_thread_row(inputs: tuple) -> str:
    items, last_activity_ago, _zone, _language = inputs
    row = dict(items)
    url = _url_builder()
    card = ThreadCard(
        pk=row["id"],
        url=url("forum:thread", row["id"]),
        unread_url=url("forum:first_unread", row["id"]),
        title=row["title"],
        pinned=row["pinned"],
        locked=row["locked"],
        hidden=row["hidden"],
        unread=row["unread"],
        author_url=url("profile", row["author__username"]),
        author_name=row["author__display_name"] or row["author__username"],
        reply_count=row["reply_count"],
        view_count=row["view_count"],
        last_poster_name=row["last_poster__display_name"] or row["last_poster__username"] or "",
        last_activity_iso=_iso(row["last_activity_at"]),
        last_activity_ago=last_activity_ago,
    )
    return render_to_string("forum/_thread_row.html", {"thread": card})


# --- Forms -------------------------------------------------------------------


def form_fields(form) -> SafeString:
    """_form_fields.html for ``form``. A blank one (unbound, no initial values) looks the same every
    time, so it is rendered once per form class and language in each process (Django renders widgets
    through templates: the thread page's reply form alone cost a fifth of its template time)."""
    if form.is_bound or form.initial:
        return render_to_string("_form_fields.html", {"form": form})
    return _blank_form_fields(type(form), translation.get_language(), code_version())


@functools.lru_cache(maxsize=32)
def _blank_form_fields(form_class, language: str, code: str) -> SafeString:
    return render_to_string("_form_fields.html", {"form": form_class()})
