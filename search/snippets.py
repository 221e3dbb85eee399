"""A result's snippet: a short stretch of its text around the first match, the matching words marked.

Marked in Python, from the query (search.terms.Query), the same way on every
database: a Latin word is marked when its stem is one of the query's stems, a
Chinese string wherever it occurs (longest first). Everything is escaped; the
only markup is ``<mark>``.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.terms import Query, stem

SNIPPET_LENGTH = 160
BEFORE = 40

_WORD = re.compile(r"[^\W_]+")
# Markdown a reader would not see: images, the address of a link, code fences, heading and list marks.
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(^|\s)(?:#{1,6}|>|[-*+]|```\w*)(?=\s)|[*_`~]{1,3}")
_SPACE = re.compile(r"\s+")


def plain(source: str) -> str:
    """Markdown source as the words a reader sees, on one line."""
    text = _IMAGE.sub(" ", source)
    text = _LINK.sub(r"\1", text)
    text = _MARKS.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


def _spans(text: str, query: Query) -> list[tuple[int, int]]:
    spans = []
    # A stem is the start of its word: only words starting like one of the query's stems are stemmed.
    starts = tuple(query.latin_marks)
    for match in _WORD.finditer(text) if starts else ():
        word = unicodedata.normalize("NFKC", match.group()).casefold()
        if word.startswith(starts) and stem(word) in query.latin_marks:
            spans.append(match.span())
    if query.han_marks:
        strings = sorted(query.han_marks, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(string) for string in strings))
        spans.extend(match.span() for match in pattern.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: Query) -> SafeString:
    """All of ``text`` (a title), escaped, the matches marked."""
    return _marked(text, _spans(text, query), 0, len(text))


def snippet(source: str, query: Query, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``source`` (Markdown) from a little before its first match, escaped,
    the matches marked; the start of the text if nothing matches there (a match in the title only)."""
    text = plain(source)
    spans = _spans(text, query)
    start = max(0, spans[0][0] - BEFORE) if spans else 0
    if start and len(text) - start < length:
        start = max(0, len(text) - length)
    end = min(len(text), start + length)
    return _marked(text, spans, start, end)


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> SafeString:
    parts = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # every piece of text above is escaped
