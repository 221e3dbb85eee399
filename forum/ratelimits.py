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
from django.utils import timezone
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
