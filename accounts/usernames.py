"""What a username may be.

Usernames are NFKC-normalised (so full-width ``ａｌｉｃｅ`` *is* ``alice``),
3–30 characters of letters (any script, CJK included), decimal digits and
``_ - .``, and unique regardless of case. Invisible characters (zero-width,
bidi overrides, controls) are refused with their own message, because they are
how look-alike names are made.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 3
MAX_LENGTH = 30
PUNCTUATION = frozenset("_-.")


def normalize_username(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def has_invisible_characters(value: str) -> bool:
    """Zero-width, bidi controls (U+202E...), other controls, unassigned code points."""
    return any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in value if ch not in "\r\n\t")


def validate_no_invisible_characters(value: str) -> None:
    if has_invisible_characters(value):
        raise ValidationError(
            _("Invisible, control or text-direction characters are not allowed."),
            code="invisible_character",
        )


def validate_username(value: str) -> None:
    value = normalize_username(value)
    validate_no_invisible_characters(value)
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise ValidationError(
            _("A username is %(min)d to %(max)d characters long.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
            code="length",
        )
    for ch in value:
        category = unicodedata.category(ch)
        if not (category.startswith("L") or category == "Nd" or ch in PUNCTUATION):
            raise ValidationError(
                _("Usernames may contain letters, digits and _ - . only."),
                code="invalid_character",
            )


USERNAME_VALIDATORS = [validate_username]
