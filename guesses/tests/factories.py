from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from guesses.models import Choice, Clue, Teaser

CHOICES = ["Nova 9", "Nova 10", "Router AX9000"]


def make_teaser(
    *,
    choices=CHOICES,
    answer=1,
    clues=(("It has a camera.", -60), ("It folds.", 60 * 24)),
    opens_at=None,
    closes_in=timedelta(days=2),
    thread=None,
    published=True,
    created_by=None,
    title="What are we launching?",
) -> Teaser:
    """A teaser as staff write it in the admin: ``clues`` are (text, minutes from now to its reveal)."""
    now = timezone.now()
    opens_at = opens_at or now - timedelta(hours=2)
    teaser = Teaser.objects.create(
        title=title,
        opens_at=opens_at,
        closes_at=now + closes_in,
        thread=thread,
        published=published,
        created_by=created_by or UserFactory(is_staff=True),
    )
    Clue.objects.bulk_create(
        [Clue(teaser=teaser, text=text, reveal_at=now + timedelta(minutes=minutes)) for text, minutes in clues]
    )
    Choice.objects.bulk_create(
        [
            Choice(teaser=teaser, position=n, label=label, correct=n - 1 == answer)
            for n, label in enumerate(choices, start=1)
        ]
    )
    return teaser


def choice_of(teaser, label) -> int:
    return Choice.objects.get(teaser=teaser, label=label).pk
