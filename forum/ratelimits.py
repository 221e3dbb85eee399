"""How fast fans may post, stricter for accounts younger than a day.

Counted by django-ratelimit in the shared cache: Redis in production (with
the local-memory cache of the embedded set-up each process counts alone).
If Redis is down the cache errors are ignored (DJANGO_REDIS_IGNORE_EXCEPTIONS)
so the counter reads as empty and posts go through: the forum keeps working,
and the database constraints still guard every write.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds until the window that refused ends


def is_new_account(user) -> bool:
    return timezone.now() - user.date_joined < timedelta(seconds=settings.FORUM_NEW_ACCOUNT_SECONDS)


def consume_posting(request, *, kind: str) -> Refusal | None:
    """Count one post ("post") or thread ("thread") against the fan's limits.

    The attempt is counted before the post is written, so two posts sent at
    once cannot both slip through; an attempt refused for another reason
    still counts (stricter, never looser).
    """
    rules = [kind] + ([f"new_account_{kind}"] if is_new_account(request.user) else [])
    for rule in rules:
        usage = get_usage(request, group=f"forum.{rule}", key="user", rate=settings.FORUM_RATE_LIMITS[rule],
                          method="POST", increment=True)
        if usage and usage["should_limit"]:
            return Refusal(retry_after=max(1, usage["time_left"]))
    return None


def too_fast_response(request, template: str, context: dict, refusal: Refusal) -> HttpResponse:
    """The form page again with status 429 and Retry-After, saying how long to wait; the form
    (``context["form"]``) keeps what the fan typed, so nothing is lost."""
    context["form"].add_error(None, _("You are posting too fast. Please wait %(seconds)d seconds and try again.")
                              % {"seconds": refusal.retry_after})
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
