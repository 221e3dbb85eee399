"""The error pages that must render whatever is broken: 400, 500 and 503.

They render from standalone templates (templates/_error_page.html: the one stylesheet, no user, no
notifications, no messages) without the request's context processors, so neither the database nor
the cache is asked; the visitor's language comes from LocaleMiddleware (or, if the error came before
it, from their language cookie or browser). 403, 404 and 429 happen while everything works and
extend base.html as usual.
"""

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

# If even the template cannot render (a broken deployment), this, in both languages.
FALLBACK = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>Canyu</title></head>'
    "<body><h1>出错了 · Something went wrong</h1>"
    "<p>请稍后再试。Please try again in a moment.</p></body></html>"
)


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def standalone_page(request, template_name: str, *, status: int, context: dict | None = None) -> HttpResponse:
    """``template_name`` rendered in the visitor's language with no context processors.

    For an htmx request (a vote or poll button) only the page's message: base.html's htmx-config puts
    a 5xx answer in the page's alert box instead of dropping it, so the button does not just do nothing."""
    fragment = request.headers.get("HX-Request") == "true"
    with translation.override(_language(request)):
        try:
            body = loader.get_template(template_name).render({**(context or {}), "fragment": fragment})
        except Exception:  # the page of last resort must not fail
            logger.exception("Error page %s could not be rendered", template_name)
            body = FALLBACK
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    """handler400: a request we cannot read (a bad Host header, a broken form or URL)."""
    return standalone_page(request, "400.html", status=400)


def too_many(request, refusal: str, retry_after: int, *, back: str = "") -> HttpResponse:
    """The 429 page saying why and when to try again (``refusal``), with Retry-After; ``back``: a link
    to where the visitor came from. Every limit without a form to show again answers with it."""
    response = render(request, "429.html", {"refusal": refusal, "back": back}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
