"""Guessing the product right earns points once, after the reveal."""

import pytest

from accounts.tests.factories import UserFactory
from guesses import guessing, honours, revealing
from guesses.models import Guess
from guesses.tests.factories import choice_of, make_teaser
from guesses.tests.test_guessing import after_close
from honour.models import PointEntry, Standing
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def test_right_guessers_get_their_points_once_in_batches(settings):
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "guessed_right": 5}
    teaser = make_teaser(answer=1)
    right = [UserFactory() for _ in range(3)]
    wrong = UserFactory()
    for fan in right:
        guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    guessing.place_guess(teaser=teaser, fan=wrong, choice_id=choice_of(teaser, "Nova 9"))
    assert honours.honour_right_guessers() == 0  # nothing is right before the reveal
    assert revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))
    assert honours.honour_right_guessers() == 3
    assert honours.honour_right_guessers() == 0
    assert sorted(Standing.objects.filter(points=5).values_list("user", flat=True)) == sorted(f.pk for f in right)
    assert not PointEntry.objects.filter(user=wrong).exists()
    assert not Guess.objects.filter(right=True, honoured_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_beats_granting_at_once_pay_each_right_guess_once():
    teaser = make_teaser(answer=1)
    fans = [UserFactory() for _ in range(6)]
    for fan in fans:
        guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))
    results = run_at_once([honours.honour_right_guessers for _ in range(2)])
    assert sum(results) == 6
    assert PointEntry.objects.filter(kind=PointEntry.Kind.GUESSED_RIGHT).count() == 6
    assert sorted(Standing.objects.values_list("points", flat=True)) == [5] * 6
