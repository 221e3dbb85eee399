"""A fan's guess: one per fan and teaser, changed in place until the close.

Guarantees:

- One guess per fan: the unique constraint ``guesses_one_guess_per_fan``; placing a guess is one
  ``INSERT … ON CONFLICT (teaser, fan) DO UPDATE`` statement, so a double tap or two tabs leave one
  row holding the choice of whichever statement ran last.
- Until the close, on the server's clock: a guess at or after ``closes_at`` is refused and nothing is
  written. The reveal runs ``REVEAL_MARGIN`` after the close (guesses.revealing), so a guess accepted
  just before the close has been written by then.
- The choice must be one of the teaser's; which choice is the answer is never read here.
"""

from datetime import datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from guesses.models import Choice, Guess, Teaser


class GuessRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def access_teaser(user, teaser_id: int) -> Teaser:
    """A published teaser (any teaser for staff), or 404."""
    teasers = Teaser.objects.all() if user.is_authenticated and user.is_staff else Teaser.objects.filter(published=True)
    return get_object_or_404(teasers, pk=teaser_id)


def is_open(teaser: Teaser, now: datetime) -> bool:
    return teaser.published and teaser.state == Teaser.State.OPEN and teaser.opens_at <= now < teaser.closes_at


@transaction.atomic(durable=True)
def place_guess(*, teaser: Teaser, fan, choice_id: int, now: datetime | None = None) -> Guess:
    """Record the fan's guess, or change it (see the module's docstring)."""
    if not fan.is_authenticated:
        raise GuessRefused(_("Sign in to guess."))
    now = now or timezone.now()
    if not is_open(teaser, now):
        if now < teaser.opens_at:
            raise GuessRefused(_("This teaser is not open for guesses yet."))
        raise GuessRefused(_("Guessing has closed: the answer is revealed soon."))
    if not isinstance(choice_id, int) or not Choice.objects.filter(teaser=teaser, pk=choice_id).exists():
        raise GuessRefused(_("That is not one of this teaser's choices."))
    (guess,) = Guess.objects.bulk_create(
        [Guess(teaser=teaser, fan=fan, choice_id=choice_id, created_at=now, updated_at=now)],
        update_conflicts=True,
        unique_fields=["teaser", "fan"],
        update_fields=["choice", "updated_at"],
    )
    return guess
