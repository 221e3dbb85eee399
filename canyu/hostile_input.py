"""Control characters in a request are refused before anything reads them.

PostgreSQL refuses NUL in text with a ``DataError``, so a ``%00`` in a path
segment that a view looks up (``/u/%00/``), in a query string, or in the
session cookie was a 500. No one types control characters; they only come
from scanners and attackers. So, once, before any view, session or cache
lookup:

- a path with any control character (C0, DEL, C1, tab and newlines included)
  is a 404: no page has such an address;
- a query string (after percent-decoding, names and values) with control
  characters other than tab, CR and LF, a header value with C0 controls other
  than tab or DEL, or a cookie with control characters is a 400.

Header values are checked for C0 and DEL only: the server hands them over as
Latin-1, so a UTF-8 header (a Referer with Chinese in it) shows bytes in the
C1 range that are not control characters at all.

Form fields are left to the forms: Django's ``CharField`` refuses NUL with a
message beside the field, and the visitor's text stays in the form.

The refusal is rendered through Django's own handlers (``handler400``,
``handler404``), in the visitor's language: this runs before
``LocaleMiddleware``, so the language is picked here the same way.
"""

from django.core.exceptions import BadRequest
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.utils import translation

from canyu.text import CONTROL_CHARACTERS, has_control_characters

# C0 but tab, and DEL: what may not be in a header value (RFC 9110 field-value).
_HEADER_CONTROL = frozenset(chr(code) for code in (*range(0x09), *range(0x0A, 0x20), 0x7F))


def _header_has_control_characters(value: str) -> bool:
    return not _HEADER_CONTROL.isdisjoint(value)


def refusal(request) -> Exception | None:
    """What is wrong with the request, as the exception Django answers with, or None."""
    if has_control_characters(request.path_info, one_line=True):
        return Http404("control character in the path")
    for name, value in request.META.items():
        is_header = name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
        if (
            is_header
            and isinstance(value, str)
            and (_header_has_control_characters(name) or _header_has_control_characters(value))
        ):
            return BadRequest(f"control character in the {name} header")
    for name, values in request.GET.lists():
        if CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values):
            return BadRequest("control character in the query string")
    for name, value in request.COOKIES.items():
        if has_control_characters(name, one_line=True) or has_control_characters(value, one_line=True):
            return BadRequest("control character in a cookie")
    return None


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        exception = refusal(request)
        if exception is None:
            return self.get_response(request)
        # get_language_from_request only compares the cookie and Accept-Language
        # with settings.LANGUAGES: a hostile value there falls back to the default.
        with translation.override(translation.get_language_from_request(request)):
            return response_for_exception(request, exception)
