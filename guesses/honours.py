"""What guessing the product right earns (the honour app): points for each right guess once, after the
reveal, in batches (a teaser may have a hundred thousand right guessers)."""

from datetime import datetime

from guesses.models import Guess
from honour import points
from honour.models import PointEntry


def honour_right_guessers(*, now: datetime | None = None) -> int:
    """Points for every right guess of a revealed teaser not honoured yet; run after each reveal tick."""
    right = Guess.objects.filter(right=True)
    return points.grant_pending(right, kind=PointEntry.Kind.GUESSED_RIGHT, user_field="fan", batch=1000, now=now)
