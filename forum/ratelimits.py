"""How much fans may post, like and vote: short bursts and daily caps, stricter for new accounts.

Two kinds of limit, counted in two places:

- Bursts (``consume_posting``: one reply per 5 s, ten an hour on a first day)
  are counted by django-ratelimit in the shared cache: Redis in production
  (with the local-memory cache of the embedded set-up each process counts
  alone). If Redis is down the cache errors are ignored
  (DJANGO_REDIS_IGNORE_EXCEPTIONS) so the counter reads as empty and posts go
  through: the forum keeps working, and the database constraints still guard
  every write. A burst window is seconds long, and a counter in the cache
  costs no query.
- Daily caps (``hold_to_daily_cap``: threads, replies, likes, idea votes over
  the last 24 hours) are counted from the account's own rows, by an index on
  (author or user, created_at): exact, cheap (at most ``cap`` index entries
  are read), unaffected by Redis being down or flushed, and run inside the
  writing transaction after the account's row is locked, so two requests at
  once cannot both take the last place. A like or vote taken back frees its
  place, as its row is gone.

Staff and moderators are exempt from all of them (``is_exempt``). An account that reached
settings.HONOUR_TRUSTED_LEVEL (honour.levels) is held to the limits of established accounts, however young.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django_ratelimit.core import get_usage

from canyu import errorpages
from canyu.durations import describe_wait
from forum import access
from honour import levels

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds until the window that refused ends
    message: str  # what the fan reads, in their language


class LimitReached(Exception):
    """A daily cap said no; ``retry_after`` is in seconds. The message is for the person who tried."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


def is_new_account(user) -> bool:
    """Younger than FORUM_NEW_ACCOUNT_SECONDS and below the trusted level (honour.levels.is_trusted).
    Only a young account's level is read (one query, when its standing is not loaded)."""
    young = timezone.now() - user.date_joined < timedelta(seconds=settings.FORUM_NEW_ACCOUNT_SECONDS)
    return young and not levels.is_trusted(levels.standing_level(user))


def is_exempt(user) -> bool:
    """Staff and moderators: held to no posting limit (they clean up after spam, often in a hurry)."""
    return user.is_staff or access.is_moderator(user)


def consume_posting(request, *, kind: str) -> Refusal | None:
    """Count one post ("post") or thread ("thread") against the fan's limits.

    The attempt is counted before the post is written, so two posts sent at
    once cannot both slip through; an attempt refused for another reason
    still counts (stricter, never looser).
    """
    if is_exempt(request.user):
        return None
    rules = [kind] + ([f"new_account_{kind}"] if is_new_account(request.user) else [])
    for rule in rules:
        usage = get_usage(
            request,
            group=f"forum.{rule}",
            key="user",
            rate=settings.FORUM_RATE_LIMITS[rule],
            method="POST",
            increment=True,
        )
        if usage and usage["should_limit"]:
            retry_after = max(1, usage["time_left"])
            return Refusal(
                retry_after=retry_after,
                message=_("You are posting too fast. Please wait %(seconds)d seconds and try again.")
                % {"seconds": retry_after},
            )
    return None


def _cap_message(kind: str, cap: int, wait: str) -> str:
    values = {"n": cap, "wait": wait}
    if kind == "thread":
        return (
            ngettext(
                "You have reached the limit of %(n)d new thread a day; try again in %(wait)s.",
                "You have reached the limit of %(n)d new threads a day; try again in %(wait)s.",
                cap,
            )
            % values
        )
    if kind == "reply":
        return (
            ngettext(
                "You have reached the limit of %(n)d reply a day; try again in %(wait)s.",
                "You have reached the limit of %(n)d replies a day; try again in %(wait)s.",
                cap,
            )
            % values
        )
    if kind == "like":
        return (
            ngettext(
                "You have reached the limit of %(n)d like a day; try again in %(wait)s.",
                "You have reached the limit of %(n)d likes a day; try again in %(wait)s.",
                cap,
            )
            % values
        )
    return (
        ngettext(
            "You have reached the limit of %(n)d idea vote a day; try again in %(wait)s.",
            "You have reached the limit of %(n)d idea votes a day; try again in %(wait)s.",
            cap,
        )
        % values
    )


def hold_to_daily_cap(*, user, kind: str, rows: QuerySet, now: datetime | None = None) -> None:
    """Raise LimitReached if ``rows`` (the user's own threads, replies, likes or votes of
    kind ``kind``, without the one being made) fill the user's cap for the last 24 hours.

    Call inside the writing transaction: the account's row is locked first, so
    a second request of the same account waits here until the first commits
    and then counts its row (on SQLite, where writes are serialised, the lock
    is a no-op and not needed). Reads at most ``cap`` entries of the
    (user, created_at) index.
    """
    if is_exempt(user):
        return
    now = now or timezone.now()
    daily, first_day = settings.FORUM_DAILY_CAPS[kind]
    cap = min(daily, first_day) if is_new_account(user) else daily
    # FOR NO KEY UPDATE: it queues the account's own writes, as an UPDATE of its row would, but not other
    # transactions' foreign-key checks on it (FOR KEY SHARE, at their commit): with FOR UPDATE a reply
    # waiting for the thread deadlocked with the notification job committing rows that name this account.
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk").first()
    newest = list(
        rows.filter(created_at__gt=now - DAY).order_by("-created_at").values_list("created_at", flat=True)[:cap]
    )
    if len(newest) < cap:
        return
    # One place frees up when the oldest of the newest ``cap`` rows leaves the window.
    retry_after = max(1, math.ceil((newest[-1] + DAY - now).total_seconds()))
    raise LimitReached(_cap_message(kind, cap, describe_wait(retry_after)), retry_after=retry_after)


def limited_response(request, template: str, context: dict, refusal: Refusal | LimitReached) -> HttpResponse:
    """The form page again with status 429 and Retry-After, saying how long to wait; the form
    (``context["form"]``) keeps what the fan typed, so nothing is lost."""
    context["form"].add_error(None, refusal.message)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def limit_page(request, refusal: LimitReached, *, back: str) -> HttpResponse:
    """A 429 page for a refusal without a form to show again (a like, a vote without htmx)."""
    return errorpages.too_many(request, str(refusal), refusal.retry_after, back=back)
