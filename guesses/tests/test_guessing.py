"""Guessing: one guess per fan, changed in place until the close; revealing once, with the counts,
the right guessers marked and the result posted."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum.models import Post
from forum.tests.factories import make_thread
from guesses import guessing, revealing
from guesses.guessing import GuessRefused
from guesses.models import Choice, Guess, Teaser
from guesses.tests.factories import choice_of, make_teaser
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def after_close(teaser):
    return teaser.closes_at + revealing.REVEAL_MARGIN


def test_a_guess_is_recorded():
    teaser, fan = make_teaser(), UserFactory()
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    assert Guess.objects.get().choice.label == "Nova 10"


def test_changing_a_guess_updates_the_one_row():
    teaser, fan = make_teaser(), UserFactory()
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 9"))
    assert list(Guess.objects.values_list("choice__label", flat=True)) == ["Nova 9"]


def test_the_database_refuses_a_second_guess_row():
    teaser, fan = make_teaser(), UserFactory()
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    with pytest.raises(IntegrityError):
        Guess.objects.create(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 9"))


def test_a_guess_at_the_closing_second_is_refused_and_the_earlier_one_stays():
    teaser, fan = make_teaser(), UserFactory()
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 10"))
    with pytest.raises(GuessRefused, match="closed"):
        guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 9"), now=teaser.closes_at)
    assert Guess.objects.get().choice.label == "Nova 10"


def test_a_guess_one_microsecond_before_the_close_is_taken():
    teaser, fan = make_teaser(), UserFactory()
    now = teaser.closes_at - timedelta(microseconds=1)
    guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_of(teaser, "Nova 9"), now=now)
    assert Guess.objects.count() == 1


def test_a_guess_before_the_opening_is_refused():
    teaser = make_teaser(opens_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(GuessRefused, match="not open"):
        guessing.place_guess(teaser=teaser, fan=UserFactory(), choice_id=choice_of(teaser, "Nova 9"))
    assert Guess.objects.count() == 0


def test_another_teasers_choice_is_refused():
    teaser, other = make_teaser(), make_teaser()
    with pytest.raises(GuessRefused, match="not one of this teaser"):
        guessing.place_guess(teaser=teaser, fan=UserFactory(), choice_id=choice_of(other, "Nova 9"))
    assert Guess.objects.count() == 0


def test_the_database_refuses_a_second_answer():
    teaser = make_teaser()
    choice = Choice.objects.get(teaser=teaser, label="Nova 9")
    choice.correct = True
    with pytest.raises(IntegrityError):
        choice.save()


def test_the_reveal_counts_and_marks_the_right_guessers():
    teaser = make_teaser(answer=1)
    right, wrong, changed = UserFactory(), UserFactory(), UserFactory()
    guessing.place_guess(teaser=teaser, fan=right, choice_id=choice_of(teaser, "Nova 10"))
    guessing.place_guess(teaser=teaser, fan=wrong, choice_id=choice_of(teaser, "Nova 9"))
    guessing.place_guess(teaser=teaser, fan=changed, choice_id=choice_of(teaser, "Nova 9"))
    guessing.place_guess(teaser=teaser, fan=changed, choice_id=choice_of(teaser, "Nova 10"))
    assert revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))
    teaser.refresh_from_db()
    assert (teaser.state, teaser.guess_count, teaser.right_count) == (Teaser.State.REVEALED, 3, 2)
    assert set(Guess.objects.filter(right=True).values_list("fan", flat=True)) == {right.pk, changed.pk}
    assert not Guess.objects.filter(honoured_at__isnull=False).exists()


def test_the_reveal_waits_for_the_margin_after_the_close():
    teaser = make_teaser()
    assert not revealing.reveal_teaser(teaser=teaser, now=after_close(teaser) - timedelta(microseconds=1))
    assert revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))


def test_revealing_twice_reveals_once():
    teaser = make_teaser()
    assert revealing.reveal_due_teasers(now=after_close(teaser)) == 1
    assert revealing.reveal_due_teasers(now=after_close(teaser)) == 0


def test_the_result_is_posted_in_the_teasers_thread():
    staff = UserFactory(is_staff=True)
    thread = make_thread(author=staff)
    teaser = make_teaser(thread=thread, created_by=staff)
    guessing.place_guess(teaser=teaser, fan=UserFactory(), choice_id=choice_of(teaser, "Nova 10"))
    revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))
    teaser.refresh_from_db()
    post = Post.objects.get(pk=teaser.result_post_id)
    assert post.thread_id == thread.pk
    assert "It was “Nova 10”." in post.source
    assert "1 of 1 fan guessed right." in post.source


@pytest.mark.django_db(transaction=True)
def test_two_tabs_guessing_at_once_leave_one_guess():
    teaser, fan = make_teaser(), UserFactory()
    ids = [choice_of(teaser, "Nova 9"), choice_of(teaser, "Nova 10")]
    run_at_once(
        [
            lambda choice_id=choice_id: guessing.place_guess(teaser=teaser, fan=fan, choice_id=choice_id)
            for choice_id in ids
        ]
    )
    assert Guess.objects.filter(fan=fan).count() == 1
    assert Guess.objects.get(fan=fan).choice_id in ids


@pytest.mark.django_db(transaction=True)
def test_two_beats_reveal_a_teaser_once():
    staff = UserFactory(is_staff=True)
    teaser = make_teaser(thread=make_thread(author=staff), created_by=staff)
    now = after_close(teaser)
    results = run_at_once([lambda: revealing.reveal_due_teasers(now=now) for _ in range(2)])
    assert sorted(results) == [0, 1]
    assert Post.objects.filter(source__contains="The answer is revealed").count() == 1
