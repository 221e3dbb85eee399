"""Freezing a quiz once after it closes: ranking by score then time, winners recorded for the
honour app, the result posted in the quiz's thread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum.models import Post
from forum.tests.factories import make_thread
from quiz import attempts, freezing
from quiz.models import Attempt, Quiz, QuizWinner
from quiz.tests.factories import make_quiz, right_answers
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def take(quiz, fan, chosen, seconds):
    start = quiz.opens_at + timedelta(minutes=1)
    attempt = attempts.start_attempt(quiz=quiz, fan=fan, now=start)
    attempts.submit_attempt(attempt=attempt, chosen=chosen, now=start + timedelta(seconds=seconds))
    return attempt


def after_close(quiz):
    return quiz.closes_at + freezing.freeze_delay()


def test_the_ranking_is_by_score_then_time_taken():
    quiz = make_quiz(winner_count=3)
    slow_perfect, fast_perfect, fast_two, slower_two = (UserFactory() for _ in range(4))
    take(quiz, slow_perfect, right_answers(), 50)
    take(quiz, fast_perfect, right_answers(), 20)
    take(quiz, fast_two, [3, 2, 2], 5)
    take(quiz, slower_two, [3, 2, 2], 6)
    assert freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    winners = list(QuizWinner.objects.filter(quiz=quiz).values_list("rank", "fan", "score", "time_taken_ms"))
    assert winners == [
        (1, fast_perfect.pk, 3, 20_000),
        (2, slow_perfect.pk, 3, 50_000),
        (3, fast_two.pk, 2, 5_000),
    ]
    assert QuizWinner.objects.filter(honoured_at__isnull=False).count() == 0


def test_attempts_never_submitted_are_not_ranked():
    quiz = make_quiz()
    attempts.start_attempt(quiz=quiz, fan=UserFactory())
    take(quiz, UserFactory(), [1, 1, 1], 10)
    freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    quiz.refresh_from_db()
    assert quiz.submitted_count == 1
    assert QuizWinner.objects.filter(quiz=quiz).count() == 1


def test_a_quiz_is_not_frozen_before_its_closing_time_plus_the_delay():
    quiz = make_quiz()
    assert not freezing.freeze_quiz(quiz=quiz, now=after_close(quiz) - timedelta(microseconds=1))
    quiz.refresh_from_db()
    assert quiz.state == Quiz.State.OPEN
    assert freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))


def test_freezing_twice_records_the_winners_once():
    quiz = make_quiz()
    take(quiz, UserFactory(), right_answers(), 10)
    assert freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    assert not freezing.freeze_quiz(quiz=quiz, now=after_close(quiz) + timedelta(minutes=1))
    assert QuizWinner.objects.filter(quiz=quiz).count() == 1


def test_the_result_is_posted_in_the_quizs_thread():
    staff = UserFactory(is_staff=True, username="quizmaster")
    thread = make_thread(author=staff, title="The Nova 9 quiz")
    quiz = make_quiz(thread=thread, created_by=staff)
    take(quiz, UserFactory(username="ada"), right_answers(), 12.3)
    freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    quiz.refresh_from_db()
    post = Post.objects.get(pk=quiz.result_post_id)
    assert post.thread_id == thread.pk and post.author_id == staff.pk
    assert "1 fan submitted an attempt." in post.source
    assert "1. @ada: 3 correct in 12.3 s" in post.source


def test_a_quiz_without_a_thread_freezes_without_a_post():
    quiz = make_quiz()
    posts = Post.objects.count()
    assert freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    assert Post.objects.count() == posts


def test_the_tick_freezes_every_due_quiz_once():
    due, later = make_quiz(), make_quiz(closes_in=timedelta(days=3))
    now = after_close(due)
    assert freezing.freeze_due_quizzes(now=now) == 1
    assert freezing.freeze_due_quizzes(now=now) == 0
    assert Quiz.objects.get(pk=due.pk).is_frozen and not Quiz.objects.get(pk=later.pk).is_frozen


def test_a_late_submission_after_freezing_is_refused(settings):
    quiz = make_quiz(time_limit=600, closes_in=timedelta(seconds=30))
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    with pytest.raises(attempts.QuizRefused):
        attempts.submit_attempt(attempt=attempt, chosen=right_answers(), now=after_close(quiz))


def test_a_fans_rank_counts_those_ahead():
    quiz = make_quiz(winner_count=1)
    fans = [UserFactory() for _ in range(4)]
    for fan, seconds in zip(fans, [30, 10, 20, 10], strict=True):
        take(quiz, fan, right_answers(), seconds)
    freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    ranks = [freezing.standing_of(Attempt.objects.get(quiz=quiz, fan=fan)).rank for fan in fans]
    assert ranks == [4, 1, 3, 2]


@pytest.mark.django_db(transaction=True)
def test_two_beats_freeze_a_quiz_once():
    staff = UserFactory(is_staff=True)
    quiz = make_quiz(thread=make_thread(author=staff), created_by=staff)
    take(quiz, UserFactory(), right_answers(), 10)
    now = after_close(quiz)
    results = run_at_once([lambda: freezing.freeze_due_quizzes(now=now) for _ in range(2)])
    assert sorted(results) == [0, 1]
    assert QuizWinner.objects.filter(quiz=quiz).count() == 1
    assert Post.objects.filter(source__contains="Quiz result").count() == 1


def test_now_defaults_to_the_clock():
    quiz = make_quiz(opens_at=timezone.now() - timedelta(days=2), closes_in=timedelta(days=1))
    assert freezing.freeze_quiz(quiz=quiz)
