"""What text we take from visitors, whatever it is for.

Two kinds of characters are refused:

- **Control characters** (C0 but tab, line feed and carriage return; DEL;
  C1). No one types them, and PostgreSQL refuses NUL outright (a ``DataError``:
  a 500 if it reaches a query). ``canyu.hostile_input`` refuses them in every
  path, query string, header and cookie before any view runs; Django's
  ``CharField`` refuses NUL in form fields.
- **Invisible characters** (zero-width characters, bidi controls such as
  U+202E, other formatting characters, private-use and unassigned code points,
  line and paragraph separators). They are how look-alike names are made, and a
  bidi override in a title turns the text after it around wherever the title is
  shown. Names (``accounts.usernames``) and titles (``clean_title``) refuse them.

Titles are NFC-normalised, not NFKC like usernames: NFKC would turn the
full-width punctuation of Chinese titles (，！（）) into ASCII.

Even clean, a title or name in Arabic or Hebrew reorders the text around it
("3 replies · <title>" comes out jumbled). Pages therefore show every piece of
visitors' text that sits inside other text isolated: ``<bdi>`` inline (or
``isolate()``, the ``|bdi`` filter of ``{% load bidi %}`` inside
``blocktranslate``), ``dir="auto"`` on an element that holds nothing else.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, LF and CR; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same with tab, LF and CR: nothing on one line (a URL path, a title) has them.
LINE_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

# Joiners are invisible but needed between two visible characters: emoji
# sequences (👩‍💻) and some scripts (Persian, Indic) are written with them.
JOINERS = frozenset("\u200c\u200d")

# Letters and symbols that show as nothing: Hangul fillers, the blank Braille
# pattern. Not "invisible" by category, so a title made of them alone is
# refused for having nothing to read.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_control_characters(value: str, *, one_line: bool = False) -> bool:
    pattern = LINE_CONTROL_CHARACTERS if one_line else CONTROL_CHARACTERS
    return pattern.search(value) is not None


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


def has_invisible_characters(value: str, *, allow_joiners: bool = False) -> bool:
    """Zero-width, bidi controls (U+202E...), other controls, unassigned code points.
    Tab, CR and LF are allowed (a multi-line bio); with ``allow_joiners``, so is a
    zero-width joiner or non-joiner between two visible characters."""
    for index, ch in enumerate(value):
        if ch in "\r\n\t" or not _invisible(ch):
            continue
        if (
            allow_joiners
            and ch in JOINERS
            and 0 < index < len(value) - 1
            and not _invisible(value[index - 1])
            and not _invisible(value[index + 1])
        ):
            continue
        return True
    return False


def validate_no_invisible_characters(value: str) -> None:
    if has_invisible_characters(value):
        raise ValidationError(
            _("Invisible, control or text-direction characters are not allowed."),
            code="invisible_character",
        )


def has_visible_characters(value: str) -> bool:
    """A letter, digit, punctuation mark or symbol that shows as something."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in BLANK_LOOKING for ch in value)


def clean_title(value: str, *, min_length: int = 1, max_length: int) -> str:
    """A one-line title (thread, idea, poll question or answer, release, changelog item):
    NFC-normalised and stripped, refused if it holds invisible or control characters
    (bidi overrides included) or nothing visible at all. Returns the cleaned title.

    The length is checked again after normalising: NFC composes ``e`` + U+0301
    into one ``é`` but splits a few characters (U+0958) into two, and the
    database holds the limits too (a ``CheckConstraint``, ``varchar(n)``)."""
    value = unicodedata.normalize("NFC", value).strip()
    if "\t" in value or "\r" in value or "\n" in value or has_invisible_characters(value, allow_joiners=True):
        raise ValidationError(
            _("Invisible, control or text-direction characters are not allowed."),
            code="invisible_character",
        )
    if not has_visible_characters(value):
        raise ValidationError(_("A title needs letters, digits or symbols you can see."), code="blank")
    MinLengthValidator(min_length)(value)  # Django's own messages, codes min_length and max_length
    MaxLengthValidator(max_length)(value)
    return value


def isolate(value) -> SafeString:
    """Visitors' text, escaped, in a ``<bdi>``: its direction cannot spill into the text around it."""
    return format_html("<bdi>{}</bdi>", value)


# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaped, none of them can
# start a link, an image, emphasis, code or a heading.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain_markdown(text: str) -> str:
    """Visitors' or staff's text put into a post Canyu writes (a result post), shown as typed:
    every ASCII punctuation mark escaped, so it cannot become a link or markup."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
