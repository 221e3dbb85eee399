"""Teaser pages: only clues whose time has come, never the answer before the reveal, a guess placed
and changed, bad input refused keeping nothing, constant query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from guesses import guessing, revealing
from guesses.models import Guess
from guesses.tests.factories import choice_of, make_teaser
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def url(teaser):
    return reverse("guesses:detail", args=[teaser.pk])


def test_only_clues_whose_time_has_come_reach_the_page(client, fan):
    teaser = make_teaser(clues=[("It has a camera.", -5), ("It folds in half.", 60)])
    html = client.get(url(teaser)).content.decode()
    assert "It has a camera." in html
    assert "It folds in half." not in html
    assert "Next clue at" in html


def test_the_page_does_not_say_which_choice_is_the_answer_before_the_reveal(client, fan):
    teaser = make_teaser(answer=1)
    html = client.get(url(teaser)).content.decode()
    assert "Nova 10" in html
    assert "The answer" not in html and "guessed right" not in html


def test_a_guess_is_placed_and_changed_through_the_page(client, fan):
    teaser = make_teaser()
    response = client.post(reverse("guesses:guess", args=[teaser.pk]), {"choice": choice_of(teaser, "Nova 9")})
    assert response.status_code == 302
    client.post(reverse("guesses:guess", args=[teaser.pk]), {"choice": choice_of(teaser, "Nova 10")})
    assert list(Guess.objects.values_list("choice__label", flat=True)) == ["Nova 10"]
    html = client.get(url(teaser)).content.decode()
    assert "Change my guess" in html


def test_a_bad_choice_is_refused_with_a_clear_error_and_nothing_saved(client, fan):
    teaser, other = make_teaser(), make_teaser()
    response = client.post(reverse("guesses:guess", args=[teaser.pk]), {"choice": choice_of(other, "Nova 9")})
    assert response.status_code == 400
    assert "That is not one of this teaser&#x27;s choices." in response.content.decode()
    assert Guess.objects.count() == 0


def test_a_guess_after_the_close_is_refused_with_a_400(client, fan):
    teaser = make_teaser(closes_in=timedelta(seconds=-1))
    response = client.post(reverse("guesses:guess", args=[teaser.pk]), {"choice": choice_of(teaser, "Nova 9")})
    assert response.status_code == 400
    assert "Guessing has closed" in response.content.decode()
    assert Guess.objects.count() == 0


def test_after_the_reveal_the_page_shows_the_answer_and_the_count(client, fan):
    teaser = make_teaser(answer=1)
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    revealing.reveal_teaser(teaser=teaser, now=teaser.closes_at + revealing.REVEAL_MARGIN)
    html = client.get(url(teaser)).content.decode()
    assert "1 of 1 fan guessed right." in html
    assert "You guessed right!" in html


def test_an_unpublished_teaser_is_404(client, fan):
    assert client.get(url(make_teaser(published=False))).status_code == 404


@pytest.mark.parametrize("clues", [1, 10])
def test_the_teaser_page_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, clues):
    teaser = make_teaser(clues=[(f"Clue {n}", -n - 1) for n in range(clues)])
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 9"))
    client.get(url(teaser))
    # (session,) teaser, clues shown, the next clue's time, choices, the reader's guess
    with django_assert_num_queries(5 + session_queries(settings)):
        assert client.get(url(teaser)).status_code == 200


@pytest.mark.parametrize("teasers", [1, 6])
def test_the_list_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, teasers):
    for _ in range(teasers):
        make_teaser()
    client.get(reverse("guesses:list"))
    # (session,) teasers, the reader's guesses among them
    with django_assert_num_queries(2 + session_queries(settings)):
        assert client.get(reverse("guesses:list")).status_code == 200
