"""Post Markdown becomes HTML here, and nowhere else.

A post is rendered once, when it is saved, and the HTML is stored beside the
source, so this module favours being right over being fast. Two layers keep
the output safe, and neither trusts the other:

1. markdown-it-py with raw HTML switched off (``<script>`` shows as text), a
   link check of our own that allows only http, https, mailto and same-site
   URLs (its built-in check lets ``data:image/...`` through), and a nesting
   limit so 5 000 nested ``>`` quotes cannot exhaust the stack.
2. nh3 on the rendered HTML with explicit allowlists of tags, attributes and
   URL schemes, whatever markdown-it or our own rules produced.

Decisions worth knowing:

- Only images uploaded to this site (``/media/...``) are shown. An image from
  another host would be fetched by every reader's browser, telling that host
  their IP address and when they read the thread; ``![alt](https://...)``
  therefore renders as an ordinary link to the picture.
- Invisible characters (bidi overrides and isolates, zero-width characters,
  other controls) are removed from the source first: they can make text lie
  about its order (``U+202E`` shows ``exe.txt`` as ``txt.exe``) or hide text
  inside what looks like a name or a URL. A zero-width joiner between two
  emoji is kept, because it builds one emoji (👨‍👩‍👧).
- A newline inside a paragraph is a line break: fans write on phones and
  expect the lines they typed.
- Chinese has no spaces between words, so an autolink or an @mention would run
  on into the following sentence. An autolink stops at the first CJK character
  (``详见https://example.com/a谢谢`` links only the URL); an @mention ends at
  whitespace or punctuation other than ``_ - .``.
"""

import html.parser
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
from django.core.exceptions import ValidationError
from django.urls import reverse
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from accounts.usernames import normalize_username, validate_username

MentionLookup = Callable[[set[str]], set[str]]

# Quotes, lists or emphasis nested deeper than this are dropped (markdown-it
# stops parsing there). Twenty levels is more than any real post needs and
# keeps parsing, rendering and sanitising flat however deep the input goes.
MAX_NESTING = 20

# markdown-it pads a table's short rows with empty cells, up to 65 536 per
# table: a 20 000-character post of one wide header and many one-cell rows
# became 700 kB of HTML and took 1.5 s. A table stops (the rest is plain text)
# once it would need more padding than this. It is a module constant of
# markdown-it's table rule; fail loudly if an upgrade renames it.
MAX_PADDED_TABLE_CELLS = 4096
# (markdown_it.rules_block re-exports the rule function under the module's name.)
_markdown_table_rule = importlib.import_module("markdown_it.rules_block.table")
if not hasattr(_markdown_table_rule, "MAX_AUTOCOMPLETED_CELLS"):
    raise ImportError("markdown_it.rules_block.table.MAX_AUTOCOMPLETED_CELLS is gone: re-check the table padding limit")
_markdown_table_rule.MAX_AUTOCOMPLETED_CELLS = MAX_PADDED_TABLE_CELLS

# At most this many distinct @names are looked up per post (the first ones, in
# reading order); later ones stay plain text. It bounds the one query made per
# save and how many people a single post can ping.
MAX_MENTION_CANDIDATES = 50

# Where uploaded images are served (settings.MEDIA_URL). Only path segments of
# safe characters, none starting with a dot: no "..", no "%2e%2e", no query
# string, nothing a browser could resolve to another path on this site.
_POST_IMAGE_SRC_RE = re.compile(r"/media/(?:[A-Za-z0-9_\-][A-Za-z0-9_.\-]*/)*[A-Za-z0-9_\-][A-Za-z0-9_.\-]*")

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# A scheme, or "//" (and "\\", "/\", which browsers read as "//"): leaves the site.
_EXTERNAL_HREF_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:|[/\\]{2}")
_CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.\-]{1,40}")

# Bidi embeddings, overrides and isolates; LRM/RLM/ALM; zero-width space,
# non-joiner, word joiner and invisible operators; BOM; soft hyphen; Mongolian
# vowel separator; C0/C1 controls other than tab, newline and carriage return.
_INVISIBLE_RE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
    "\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_EMOJI = "\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
# A zero-width joiner that is not between two emoji.
_STRAY_ZWJ_RE = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")

# Scripts written without spaces between words (and their punctuation).
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
_CJK_RE = re.compile(f"[{_CJK}]")
_LEADING_CJK_RE = re.compile(f"[{_CJK}]+")

# "@" or the full-width "＠" a Chinese keyboard may type, then the longest run
# of word characters and "_ - ."; whether it is a username is decided after
# NFKC normalisation, by the same validator sign-up uses.
_MENTION_RE = re.compile(r"[@＠]([\w.\-]+)")
_NAME_CHAR_RE = re.compile(r"[\w.\-]")


@dataclass(frozen=True)
class RenderedPost:
    html: str
    mentions: frozenset[str]  # @names that exist, as returned by mention_exists
    link_count: int  # links leaving the site (mentions and same-site links excluded)
    image_count: int


def may_mention(source: str) -> bool:
    """Whether ``source`` has anything an @mention could be made of (render_post finds which exist)."""
    return _MENTION_RE.search(source) is not None


def render_post(source: str, *, mention_exists: MentionLookup | None = None) -> RenderedPost:
    """Render post Markdown to sanitised HTML.

    ``mention_exists`` is called at most once, with every candidate @name in
    the post, and returns those that are real accounts; only they are linked.
    Without it, no @name is linked.
    """
    env = {"mention_exists": mention_exists, "mentions": frozenset()}
    safe_html = sanitize_post_html(_markdown.render(remove_invisible_characters(source), env))
    counter = _LinkAndImageCounter()
    counter.feed(safe_html)
    counter.close()
    return RenderedPost(
        html=safe_html,
        mentions=env["mentions"],
        link_count=counter.link_count,
        image_count=counter.image_count,
    )


def remove_invisible_characters(text: str) -> str:
    """Drop characters that change how text reads without being seen (see the module docstring)."""
    return _STRAY_ZWJ_RE.sub("", _INVISIBLE_RE.sub("", text))


# --- Links -----------------------------------------------------------------


def _validate_link(url: str) -> bool:
    """Replace markdown-it's check, which allows data:image/... URLs.

    ``url`` is already normalised: entities decoded (``&#106;avascript:`` is
    ``javascript:`` here), whitespace and controls percent-encoded.
    """
    scheme = _SCHEME_RE.match(url)
    return scheme is None or scheme.group(1).lower() in _ALLOWED_SCHEMES


def _is_post_image_src(src: str) -> bool:
    return _POST_IMAGE_SRC_RE.fullmatch(src) is not None


class _CjkAwareLinkify(LinkifyIt):
    """linkify-it treats any letter as part of a host name or path, so in
    ``看这里www.example.com`` or ``https://example.com/a谢谢`` it takes the
    surrounding Chinese into the link. Cut each match at the CJK around it and
    let linkify-it judge what is left."""

    def match(self, text):
        found = super().match(text)
        if not found:
            return found
        kept = [match for match in (self._trim(match, self._rematch) for match in found) if match]
        return kept or None

    def match_at_start(self, text):
        # Called with the rest of the paragraph from a "scheme://": cutting at
        # the first CJK character first also keeps a paragraph of many such
        # links from being rescanned to its end for each one.
        cjk = _CJK_RE.search(text)
        return super().match_at_start(text[: cjk.start()] if cjk else text)

    def _rematch(self, text):
        found = super().match(text)
        return found[0] if found and found[0].index == 0 else None

    @staticmethod
    def _trim(match, rematch):
        raw = match.raw
        lead = _LEADING_CJK_RE.match(raw)
        start = lead.end() if lead else 0
        cjk = _CJK_RE.search(raw, start)
        end = cjk.start() if cjk else len(raw)
        if start == 0 and end == len(raw):
            return match
        kept = rematch(raw[start:end]) if start < end else None
        if kept is None:
            return None
        kept.index += match.index + start
        kept.last_index += match.index + start
        return kept


# --- Core rules (run after markdown-it's own, on the token stream) --------


def _render_foreign_images_as_links(state: StateCore) -> None:
    """Images not uploaded here become links to the picture (see the module docstring)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for token in block.children:
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            if token.type != "image" or _is_post_image_src(token.attrGet("src") or ""):
                children.append(token)
                continue
            src = token.attrGet("src") or ""
            text = Token("text", "", 0, level=token.level + 1)
            alt = state.md.renderer.renderInlineAsText(token.children or [], state.md.options, state.env)
            text.content = alt or src
            if link_depth:  # already inside a link: a link in a link is not HTML
                text.level = token.level
                children.append(text)
                continue
            link_open = Token("link_open", "a", 1, level=token.level, attrs={"href": src})
            if token.attrGet("title"):
                link_open.attrSet("title", token.attrGet("title"))
            children += [link_open, text, Token("link_close", "a", -1, level=token.level)]
        block.children = children


def _align_table_cells_without_style(state: StateCore) -> None:
    """markdown-it aligns columns with style="text-align:..."; style attributes
    are never allowed (and the CSP would block them), so use align instead."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style", "").startswith("text-align:"):
            token.attrs = {"align": token.attrs["style"].removeprefix("text-align:")}


def _link_mentions(state: StateCore) -> None:
    """Turn @names of existing accounts into profile links.

    Works on text tokens, so code spans and blocks (other token types) and link
    text (between link_open and link_close) are never touched. All candidates
    are collected first so the caller's lookup runs once per post.
    """
    mention_exists = state.env.get("mention_exists")
    if mention_exists is None:
        return
    found: list[tuple[list[Token], int, list[tuple[int, int, str]]]] = []
    candidates: dict[str, None] = {}  # ordered set: the first names read are looked up
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        link_depth = 0
        for index, token in enumerate(block.children):
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            elif token.type == "text" and not link_depth:
                spans = [span for span in _find_mentions(token.content) if _admit_candidate(span[2], candidates)]
                if spans:
                    found.append((block.children, index, spans))
    if not candidates:
        return
    existing = set(mention_exists(set(candidates))) & candidates.keys()
    state.env["mentions"] = frozenset(existing)
    # Replace from the last token back so earlier indexes stay valid.
    for children, index, spans in reversed(found):
        children[index : index + 1] = _split_mentions(children[index], spans, existing)


def _admit_candidate(name: str, candidates: dict[str, None]) -> bool:
    if name in candidates:
        return True
    if len(candidates) >= MAX_MENTION_CANDIDATES:
        return False
    candidates[name] = None
    return True


def _find_mentions(text: str):
    """Yield (start, end, normalised name) for each @name shaped like a username."""
    if "@" not in text and "＠" not in text:
        return
    for match in _MENTION_RE.finditer(text):
        start = match.start()
        # "bob@example.com" is not a mention of example.com, but Chinese needs
        # no space before the @: "你好@米粉小王".
        if start and _NAME_CHAR_RE.match(text[start - 1]) and not _CJK_RE.match(text[start - 1]):
            continue
        typed = match.group(1).rstrip(".")  # "thanks @bob." ends a sentence
        name = normalize_username(typed)
        try:
            validate_username(name)
        except ValidationError:
            continue
        yield start, start + 1 + len(typed), name


def _split_mentions(token: Token, spans, existing: set[str]) -> list[Token]:
    pieces: list[Token] = []
    position = 0
    text = token.content

    def add_text(content: str, level: int) -> None:
        if content:
            piece = Token("text", "", 0, level=level)
            piece.content = content
            pieces.append(piece)

    for start, end, name in spans:
        if name not in existing:
            continue
        add_text(text[position:start], token.level)
        href = reverse("profile", args=[name])
        pieces.append(Token("link_open", "a", 1, level=token.level, attrs={"href": href, "class": "mention"}))
        add_text(text[start:end], token.level + 1)
        pieces.append(Token("link_close", "a", -1, level=token.level))
        position = end
    add_text(text[position:], token.level)
    return pieces


def _make_markdown() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {
            "html": False,  # raw HTML is shown as text, not passed through
            "linkify": True,
            "breaks": True,
            "typographer": False,
            "maxNesting": MAX_NESTING,
        },
    ).enable(["table", "strikethrough", "linkify"])
    md.validateLink = _validate_link
    md.linkify = _CjkAwareLinkify()
    md.core.ruler.push("canyu_foreign_images", _render_foreign_images_as_links)
    md.core.ruler.push("canyu_table_align", _align_table_cells_without_style)
    md.core.ruler.push("canyu_mentions", _link_mentions)
    return md


_markdown = _make_markdown()


# --- Sanitising -------------------------------------------------------------


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_post_image_src(value) else None
    if tag == "code" and attribute == "class":
        return value if _CODE_CLASS_RE.fullmatch(value) else None
    if tag == "a" and attribute == "class":
        return value if value == "mention" else None
    return value


_cleaner = nh3.Cleaner(
    tags={
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    },
    clean_content_tags={"script", "style"},
    attributes={
        "a": {"href", "title", "class"},
        "img": {"src", "alt", "title"},
        "code": {"class"},
        "ol": {"start"},
    },
    tag_attribute_values={
        "th": {"align": {"left", "center", "right"}},
        "td": {"align": {"left", "center", "right"}},
    },
    attribute_filter=_filter_attribute,
    url_schemes=set(_ALLOWED_SCHEMES),
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)


def sanitize_post_html(unsafe_html: str) -> str:
    """The second layer: whatever markdown-it (or a bug in our rules) produced,
    only allowlisted tags, attributes and URL schemes come out."""
    return _cleaner.clean(unsafe_html)


class _LinkAndImageCounter(html.parser.HTMLParser):
    """Counts what the sanitised HTML really contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.link_count = 0
        self.image_count = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and _EXTERNAL_HREF_RE.match(values.get("href") or ""):
            self.link_count += 1
        elif tag == "img" and values.get("src"):
            self.image_count += 1

    handle_startendtag = handle_starttag
