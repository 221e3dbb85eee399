"""A fan's one attempt: started on the server's clock, submitted in one write, scored on the
server, refused after the deadline plus the grace."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from quiz import attempts
from quiz.attempts import QuizRefused
from quiz.models import Answer, Attempt
from quiz.tests.factories import make_quiz, right_answers
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def test_starting_records_the_servers_time_and_deadline():
    quiz = make_quiz(time_limit=120)
    now = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory(), now=now)
    assert attempt.started_at == now
    assert attempt.deadline == now + timedelta(seconds=120)


def test_the_deadline_is_the_closing_time_when_that_comes_first():
    quiz = make_quiz(time_limit=600, closes_in=timedelta(seconds=60))
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    assert attempt.deadline == quiz.closes_at


def test_starting_twice_returns_the_same_attempt():
    quiz, fan = make_quiz(), UserFactory()
    first = attempts.start_attempt(quiz=quiz, fan=fan)
    assert attempts.start_attempt(quiz=quiz, fan=fan) == first
    assert Attempt.objects.count() == 1


def test_the_database_refuses_a_second_attempt_row():
    quiz, fan = make_quiz(), UserFactory()
    attempt = attempts.start_attempt(quiz=quiz, fan=fan)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(quiz=quiz, fan=fan, started_at=attempt.started_at, deadline=attempt.deadline)


def test_a_quiz_not_open_yet_refuses_a_start():
    quiz = make_quiz(opens_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(QuizRefused, match="not opened yet"):
        attempts.start_attempt(quiz=quiz, fan=UserFactory())
    assert Attempt.objects.count() == 0


def test_a_closed_quiz_refuses_a_start():
    quiz = make_quiz()
    with pytest.raises(QuizRefused, match="has closed"):
        attempts.start_attempt(quiz=quiz, fan=UserFactory(), now=quiz.closes_at)
    assert Attempt.objects.count() == 0


def test_an_unpublished_quiz_refuses_a_start():
    quiz = make_quiz(published=False)
    with pytest.raises(QuizRefused):
        attempts.start_attempt(quiz=quiz, fan=UserFactory())


def test_submitting_scores_on_the_server():
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    chosen = right_answers()
    chosen[1] = 4  # wrong
    attempts.submit_attempt(attempt=attempt, chosen=chosen)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.answers) == (2, "341")
    assert attempt.submitted_at is not None


def test_unanswered_questions_are_stored_as_zero_and_score_nothing():
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    attempts.submit_attempt(attempt=attempt, chosen=[3, None, None])
    attempt.refresh_from_db()
    assert (attempt.score, attempt.answers) == (1, "300")


def test_submitting_is_one_write():
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    with CaptureQueriesContext(connection) as queries:
        attempts.submit_attempt(attempt=attempt, chosen=right_answers())
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    # The answer key is read, then one UPDATE of the attempt row (autocommit: no transaction around it).
    assert len(writes) == 1 and writes[0].startswith("UPDATE")
    assert len(queries) == 2


def test_the_time_taken_is_from_the_servers_start():
    quiz = make_quiz(time_limit=120)
    start = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory(), now=start)
    attempts.submit_attempt(attempt=attempt, chosen=right_answers(), now=start + timedelta(seconds=42.5))
    attempt.refresh_from_db()
    assert attempt.time_taken_ms == 42_500


def test_a_submission_inside_the_grace_is_accepted_with_the_time_capped(settings):
    settings.QUIZ_SUBMIT_GRACE_SECONDS = 5
    quiz = make_quiz(time_limit=60)
    start = timezone.now()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory(), now=start)
    attempts.submit_attempt(attempt=attempt, chosen=right_answers(), now=attempt.deadline + timedelta(seconds=5))
    attempt.refresh_from_db()
    assert attempt.time_taken_ms == 60_000


def test_a_submission_after_the_grace_is_refused_and_nothing_is_written(settings):
    settings.QUIZ_SUBMIT_GRACE_SECONDS = 5
    quiz = make_quiz(time_limit=60)
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    late = attempt.deadline + timedelta(seconds=5, microseconds=1)
    with pytest.raises(QuizRefused, match="Time is up"):
        attempts.submit_attempt(attempt=attempt, chosen=right_answers(), now=late)
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.answers, attempt.score) == (None, "", 0)


def test_a_submission_after_close_plus_grace_is_refused(settings):
    settings.QUIZ_SUBMIT_GRACE_SECONDS = 5
    quiz = make_quiz(time_limit=600, closes_in=timedelta(seconds=30))
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    with pytest.raises(QuizRefused, match="Time is up"):
        attempts.submit_attempt(attempt=attempt, chosen=right_answers(), now=quiz.closes_at + timedelta(seconds=6))


def test_the_clock_is_the_servers_even_when_the_request_is_slow(settings):
    settings.QUIZ_SUBMIT_GRACE_SECONDS = 5
    quiz = make_quiz(time_limit=60)
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    with time_machine.travel(attempt.deadline + timedelta(seconds=6), tick=False), pytest.raises(QuizRefused):
        attempts.submit_attempt(attempt=attempt, chosen=right_answers())


def test_a_second_submission_is_refused_and_the_first_stays():
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    attempts.submit_attempt(attempt=attempt, chosen=right_answers())
    with pytest.raises(QuizRefused, match="already submitted"):
        attempts.submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk), chosen=[1, 1, 1])
    attempt.refresh_from_db()
    assert attempt.score == 3


@pytest.mark.parametrize("chosen", [[3, 5, 1], [0, 1, 1], [3, 1], [3, 1, 1, 1], ["3", 1, 1]])
def test_answers_the_questions_do_not_have_are_refused(chosen):
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())
    with pytest.raises(QuizRefused):
        attempts.submit_attempt(attempt=attempt, chosen=chosen)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_the_database_refuses_a_second_correct_answer():
    quiz = make_quiz()
    answer = Answer.objects.filter(question__quiz=quiz, correct=False).first()
    answer.correct = True
    with pytest.raises(IntegrityError):
        answer.save()


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_start_makes_one_attempt():
    quiz, fan = make_quiz(), UserFactory()
    results = run_at_once([lambda: attempts.start_attempt(quiz=quiz, fan=fan).pk for _ in range(2)])
    assert results[0] == results[1]
    assert Attempt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_submit_writes_once():
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=UserFactory())

    def submit(chosen):
        try:
            attempts.submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk), chosen=chosen)
        except QuizRefused:
            return "refused"
        return "".join(str(c) for c in chosen)

    results = run_at_once([lambda: submit(right_answers()), lambda: submit([1, 2, 2])])
    assert results.count("refused") == 1
    attempt.refresh_from_db()
    assert attempt.answers in results
