"""Titles are cleaned like names (canyu.text): nothing invisible, no bidi controls, something to read."""

import pytest
from django.core.exceptions import ValidationError

from canyu.text import clean_title, has_control_characters


def refusal_code(title: str, **limits) -> str:
    with pytest.raises(ValidationError) as refusal:
        clean_title(title, max_length=120, **limits)
    return refusal.value.code


@pytest.mark.parametrize(
    "title",
    [
        "\u202egnp.exe new camera",  # RIGHT-TO-LEFT OVERRIDE
        "Dark \u202amode\u202c please",  # LRE ... PDF
        "Dark \u2066mode\u2069 please",  # isolates
        "Dark mode\u200e please",
        "Dark mode\u200f please",
        "Dark mode\u061c please",  # marks
        "Dark\u200bmode",  # zero-width space
        "\ufeffDark mode",  # byte order mark
        "Dark\u00admode",  # soft hyphen
        "Dark mode\u2028please",  # line separator
        "Dark mode\x00",
        "Dark\x1bmode",
        "Dark\x7fmode",
        "Dark\x85mode",  # controls
        "Dark\tmode",
        "Dark mode\nplease",  # a title is one line
        "Dark mode \ue000",  # private use
        "\u200d\u200d\u200d\u200d",  # joiners alone
        "Dark mode\u200d",  # a joiner at the end joins nothing
    ],
)
def test_titles_with_invisible_or_direction_characters_are_refused(title):
    assert refusal_code(title) == "invisible_character"


@pytest.mark.parametrize(
    "title",
    [
        "\u2800\u2800\u2800\u2800",  # blank Braille patterns
        "\u3164\u3164\u3164\u3164",  # Hangul filler
        "\u0301\u0301\u0301\u0301",  # combining marks with nothing to sit on
    ],
)
def test_titles_with_nothing_to_read_are_refused(title):
    assert refusal_code(title) == "blank"


@pytest.mark.parametrize(
    "title, cleaned",
    [
        ("  深色模式，好吗？（急）  ", "深色模式，好吗？（急）"),  # full-width punctuation stays (NFC, not NFKC)
        ("Cafe\u0301 au lait", "Café au lait"),  # composed
        ("New laptop 👩\u200d💻 emoji", "New laptop 👩\u200d💻 emoji"),  # a joiner between two visible characters
        ("نمی\u200cخواهم", "نمی\u200cخواهم"),  # Persian non-joiner
        ("مرحبا بالعالم", "مرحبا بالعالم"),  # right-to-left text needs no control character
    ],
)
def test_ordinary_titles_are_kept(title, cleaned):
    assert clean_title(title, max_length=120) == cleaned


def test_the_length_is_checked_after_normalising():
    # Four characters typed, two after composing é: under a minimum of 4.
    assert refusal_code("e\u0301e\u0301", min_length=4) == "min_length"
    # U+0958 decomposes into two characters under NFC.
    with pytest.raises(ValidationError) as refusal:
        clean_title("\u0958" * 3, max_length=5)
    assert refusal.value.code == "max_length"


@pytest.mark.parametrize(
    "value, one_line, found",
    [
        ("a\x00b", False, True),
        ("a\x1fb", False, True),
        ("a\x7fb", False, True),
        ("a\x9fb", False, True),
        ("a\tb\r\nc", False, False),
        ("a\tb", True, True),
        ("a\nb", True, True),
        ("深色 é", True, False),
    ],
)
def test_control_characters(value, one_line, found):
    assert has_control_characters(value, one_line=one_line) is found
