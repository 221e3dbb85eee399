"""Anonymous searches per client address (SEARCH_RATE_ANONYMOUS), counted in the shared cache.

Counted by django-ratelimit as forum.ratelimits counts posting bursts: with
Redis down the counter reads as empty and searches go through (RATELIMIT_FAIL_OPEN).
The client address is allauth's, which trusts exactly TRUSTED_PROXY_COUNT
proxies' X-Forwarded-For. Signed-in readers are not limited here.
"""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_ratelimit.core import get_usage


def _client(group, request) -> str:
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all (a test client, a broken proxy): one shared bucket
        return "unknown"


def consume_anonymous_search(request) -> int | None:
    """Count one search by a visitor not signed in; the seconds to wait if over the limit, else None."""
    if request.user.is_authenticated:
        return None
    usage = get_usage(
        request,
        group="search.anonymous",
        key=_client,
        rate=settings.SEARCH_RATE_ANONYMOUS,
        method="GET",
        increment=True,
    )
    if usage and usage["should_limit"]:
        return max(1, usage["time_left"])
    return None
