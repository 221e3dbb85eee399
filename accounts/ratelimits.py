"""When allauth's limits let a visitor try again: the Retry-After of its 429 answers.

allauth counts sign-ins, failed sign-ins and sign-ups in the cache (a list of
attempt times per rule and client address or login) and answers a refused
request without saying when to come back. These functions read the same
lists, without counting anything, and answer 429 with ``Retry-After`` and a
sentence in the visitor's language. allauth's counting itself is untouched.
"""

import math
import time

from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from canyu import errorpages
from canyu.durations import describe_wait

APP = "allauth.account"
# When no full rule is found (the cache lock was busy, or the rule of another action):
# a minute, allauth's shortest window.
FALLBACK_SECONDS = 60
# allauth's URL names and the limit ("action") their views are held to.
ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_email": "manage_email",
}


def seconds_until_allowed(request, *, action: str, key: str | None = None) -> int | None:
    """Seconds until every full rule of ``action`` has room for this request again, or None
    if none is full. Rules counted per key are read only when ``key`` is given."""
    now = time.time()
    waits = []
    for rate in get_rates(app=APP, action=action):
        if (rate.per == "key" and key is None) or (rate.per == "user" and not request.user.is_authenticated):
            continue
        history = cache.get(get_cache_key(request, app=APP, action=action, rate=rate, key=key), [])
        live = sorted((stamp for stamp in history if stamp > now - rate.duration), reverse=True)
        if len(live) >= rate.amount:
            # A place frees up when the oldest of the newest ``amount`` attempts leaves the window.
            waits.append(live[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(max(waits))) if waits else None


def login_retry_after(request, credentials: dict) -> int:
    """Seconds until a sign-in refused by the ``login_failed`` rules may be tried again."""
    key = get_adapter(request)._get_login_attempts_cache_key(request, **credentials)
    return seconds_until_allowed(request, action="login_failed", key=key) or FALLBACK_SECONDS


def respond_429(request):
    """allauth's answer to a request its limits refuse (``canyu.urls.handler429``):
    our 429 page, saying when to try again, with Retry-After."""
    try:
        action = ACTIONS.get(resolve(request.path_info).url_name or "")
    except Resolver404:
        action = None
    retry_after = (seconds_until_allowed(request, action=action) if action else None) or FALLBACK_SECONDS
    refusal = _("Too many attempts from your network. Please try again in %(wait)s.") % {
        "wait": describe_wait(retry_after)
    }
    return errorpages.too_many(request, refusal, retry_after)
