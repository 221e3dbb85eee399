"""Every query the guess-the-product pages make, one function per page; templates never query.

Only clues whose time has come are read (``reveal_at <= now``, in the query), and the choices are
read without ``correct`` until the answer is revealed: nothing else can reach the page.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from canyu.windows import by_window
from guesses.guessing import access_teaser, is_open
from guesses.models import Choice, Clue, Guess, Teaser

LISTED = 60


@dataclass
class TeaserList:
    open: list[Teaser] = field(default_factory=list)
    upcoming: list[Teaser] = field(default_factory=list)
    past: list[Teaser] = field(default_factory=list)
    guessed: set[int] = field(default_factory=set)


def teaser_list(user, *, now: datetime | None = None) -> TeaserList:
    """Published teasers (one query) and which of them the reader has guessed (one)."""
    now = now or timezone.now()
    teasers = list(Teaser.objects.filter(published=True).order_by("-closes_at", "-pk")[:LISTED])
    page = TeaserList(*by_window(teasers, now=now, is_open=is_open))
    if user.is_authenticated and teasers:
        page.guessed = set(
            Guess.objects.filter(fan=user, teaser__in=[teaser.pk for teaser in teasers]).values_list(
                "teaser_id", flat=True
            )
        )
    return page


@dataclass
class TeaserPage:
    teaser: Teaser
    now: datetime
    clues: list[Clue]
    choices: list[Choice]
    guess: Guess | None
    next_clue_at: datetime | None

    @property
    def is_open(self) -> bool:
        return is_open(self.teaser, self.now)

    @property
    def answer(self) -> Choice | None:
        if not self.teaser.is_revealed:
            return None
        return next((choice for choice in self.choices if choice.correct), None)


def teaser_page(user, teaser_id: int, *, now: datetime | None = None) -> TeaserPage:
    """The teaser (one query), the clues shown so far (one), the time of the next (one), the choices
    (one; with which is right only once revealed) and the reader's guess (one)."""
    now = now or timezone.now()
    teaser = access_teaser(user, teaser_id)
    clues = list(Clue.objects.filter(teaser=teaser, reveal_at__lte=now).order_by("reveal_at", "id"))
    next_clue_at = (
        Clue.objects.filter(teaser=teaser, reveal_at__gt=now).order_by("reveal_at").values_list("reveal_at", flat=True)
    ).first()
    choices = Choice.objects.filter(teaser=teaser).order_by("position")
    if not teaser.is_revealed:
        choices = choices.only("id", "teaser_id", "position", "label")
    guess = Guess.objects.filter(teaser=teaser, fan=user).first() if user.is_authenticated else None
    return TeaserPage(
        teaser=teaser, now=now, clues=clues, choices=list(choices), guess=guess, next_clue_at=next_clue_at
    )
