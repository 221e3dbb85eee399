"""What a username may be.

Usernames are NFKC-normalised (so full-width ``ａｌｉｃｅ`` *is* ``alice``),
3–30 characters of letters (any script, CJK included), decimal digits and
``_ - .``, and unique regardless of case. Invisible characters (zero-width,
bidi overrides, controls) are refused with their own message, because they are
how look-alike names are made (``canyu.text``, shared with titles).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from canyu.text import validate_no_invisible_characters

MIN_LENGTH = 3
MAX_LENGTH = 30
PUNCTUATION = frozenset("_-.")


def normalize_username(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


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
