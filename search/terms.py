"""Text into search terms, the same way for what is indexed and what is asked.

Chinese has no spaces. A run of Chinese characters gives three kinds of term:
the words rjieba finds (search mode: "充电器" also gives 充电), every pair of
neighbouring characters, and every single character. A query of one character
looks up the single characters, a query of two the pairs, a longer one the
words, or failing that all of its pairs (a document segmented differently
around the same text still matches: the pairs are the same whatever the words
were). Other text (Latin, digits, kana, hangul) is split into words,
NFKC-normalised, case-folded and stemmed simply (``stem``).

Every term is letters and digits only, at most ``TERM_LENGTH`` characters,
so it can be quoted as it is in a PostgreSQL tsquery or an FTS5 query: no
operator a person types (``& | ! : * ( ) "``) ever reaches either.

rjieba (jieba-rs) rather than jieba: the same dictionary and the same words on
our sample, 27 times faster (22 µs against 588 µs per mixed post of 230
characters, 3 000 posts) and 10 times faster to load (0.12 s against 1.2 s,
paid by every new process), measured on 3 000 generated posts of mixed Chinese and English; it has wheels
for Linux (x86-64, ARM), macOS (ARM) and Windows.
"""

import re
import unicodedata
from dataclasses import dataclass

import rjieba

TERM_LENGTH = 40
# The text of one document that is indexed (a post may be 20 000 characters; its terms stay well
# under PostgreSQL's 1 MB tsvector).
DOCUMENT_LENGTH = 20_000
# What is searched of a query: longer queries are cut here (the page says so).
QUERY_LENGTH = 100
QUERY_GROUPS = 12

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have i if in into is it its of on or so that the their then "
    "there these they this to was were will with".split()
)
# Characters so common that, alone, they would match nearly every post (their pairs and words still count).
STOP_CHARACTERS = frozenset("的了是在和也就都吗呢吧啊")


def stem(word: str) -> str:
    """A light English stemmer: charging, charged, charges and charge all give "charg"; short words
    and words ending in "ss" are left as they are. Coarser than Porter, enough for a forum."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _words(run: str) -> list[str]:
    return [word for word in rjieba.cut_for_search(run) if len(word) >= 2]


def document_terms(text: str) -> str:
    """The terms of ``text`` as one space-separated string (what the index stores)."""
    text = _normal(text[:DOCUMENT_LENGTH])
    found: list[str] = []
    position = 0
    for match in _HAN.finditer(text):
        found.extend(_latin_terms(text[position : match.start()]))
        run = match.group()
        found.extend(_words(run))
        found.extend(_pairs(run))
        found.extend(char for char in run if char not in STOP_CHARACTERS)
        position = match.end()
    found.extend(_latin_terms(text[position:]))
    return " ".join(term[:TERM_LENGTH] for term in found)


def _latin_terms(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text) if word not in STOP_WORDS]


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match; a group matches if any of its alternatives does, an
    alternative if all of its terms do. ``marks``: what to highlight in a snippet (Latin stems, Chinese
    strings). ``cut``: the query was longer than what is searched."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    latin_marks: frozenset[str]
    han_marks: tuple[str, ...]
    cut: bool = False
    only_stop_words: bool = False

    def __bool__(self) -> bool:
        return bool(self.groups)

    def loose(self) -> "Query":
        """The same terms, any one of them enough (similar titles share some words, not all)."""
        terms = dict.fromkeys(term for group in self.groups for alternative in group for term in alternative)
        return Query(
            groups=(tuple((term,) for term in terms),) if terms else (),
            latin_marks=self.latin_marks,
            han_marks=self.han_marks,
            cut=self.cut,
            only_stop_words=self.only_stop_words,
        )

    def tsquery(self) -> str:
        """PostgreSQL's to_tsquery('simple', ...) text: terms quoted, joined by & and |."""
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(f"'{term}'" for term in alternative) + ")" for alternative in group) + ")"
            for group in self.groups
        )

    def fts5(self) -> str:
        """SQLite FTS5's MATCH text: terms quoted, joined by AND and OR."""
        return " AND ".join(
            "("
            + " OR ".join("(" + " AND ".join(f'"{term}"' for term in alternative) + ")" for alternative in group)
            + ")"
            for group in self.groups
        )


def parse_query(text: str) -> Query:
    """What a person typed into a Query. Never raises: anything that is not a letter or a digit is a
    space, and a query of nothing searchable is an empty Query."""
    text = text or ""
    cut = len(text) > QUERY_LENGTH
    text = _normal(text[:QUERY_LENGTH])
    groups: list[tuple[tuple[str, ...], ...]] = []
    latin_marks: set[str] = set()
    han_marks: list[str] = []
    stop_words_only = False
    position = 0
    for match in [*_HAN.finditer(text), None]:
        end = match.start() if match else len(text)
        for word in _WORD.findall(text[position:end]):
            if word in STOP_WORDS:
                stop_words_only = True
                continue
            term = stem(word)[:TERM_LENGTH]
            latin_marks.add(term)
            groups.append(((term,),))
        if match is None:
            break
        position = match.end()
        run = match.group()
        han_marks.append(run)
        if len(run) == 1:
            if run in STOP_CHARACTERS:
                stop_words_only = True
            else:
                groups.append(((run,),))
        elif len(run) == 2:
            groups.append(((run,),))
        else:
            pairs = tuple(dict.fromkeys(_pairs(run)))
            # The words, single characters included (they are indexed as characters), but the commonest.
            han_words = tuple(
                dict.fromkeys(word[:TERM_LENGTH] for word in rjieba.cut_for_search(run) if word not in STOP_CHARACTERS)
            )
            han_marks.extend(han_words)
            groups.append((han_words, pairs) if han_words and han_words != pairs else (pairs,))
    unique = tuple(dict.fromkeys(groups))[:QUERY_GROUPS]
    return Query(
        groups=unique,
        latin_marks=frozenset(latin_marks),
        han_marks=tuple(dict.fromkeys(han_marks)),
        cut=cut or len(unique) < len(dict.fromkeys(groups)),
        only_stop_words=stop_words_only and not unique,
    )
