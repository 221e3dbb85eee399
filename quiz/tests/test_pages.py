"""Quiz pages: list, start, the answer sheet (never showing which answer is correct), submit,
refusals that keep the fan's choices, the frozen result; constant query counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from quiz import attempts, freezing
from quiz.models import Attempt, Quiz
from quiz.tests.factories import make_quiz, right_answers
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def detail_url(quiz):
    return reverse("quiz:detail", args=[quiz.pk])


def test_the_list_shows_open_and_upcoming_quizzes_not_unpublished_ones(client):
    make_quiz(title="Open quiz")
    make_quiz(title="Draft quiz", published=False)
    make_quiz(title="Next week's quiz", opens_at=timezone.now() + timedelta(days=7))
    html = client.get(reverse("quiz:list")).content.decode()
    assert "Open quiz" in html and "Next week&#x27;s quiz" in html
    assert "Draft quiz" not in html


def test_an_unpublished_quiz_is_404_for_fans(client, fan):
    quiz = make_quiz(published=False)
    assert client.get(detail_url(quiz)).status_code == 404


def test_starting_shows_the_sheet_with_the_servers_deadline(client, fan):
    quiz = make_quiz()
    response = client.post(reverse("quiz:start", args=[quiz.pk]))
    assert response.status_code == 302
    html = client.get(detail_url(quiz)).content.decode()
    attempt = Attempt.objects.get(quiz=quiz, fan=fan)
    assert "Submit by" in html
    assert timezone.localtime(attempt.deadline).strftime("%H:%M:%S") in html
    assert "Kirin 778" in html


def test_the_sheet_does_not_say_which_answer_is_correct(client, fan):
    quiz = make_quiz(questions=[("Which is right?", ["Wrong A", "Right B", "Wrong C"], 1)])
    client.post(reverse("quiz:start", args=[quiz.pk]))
    html = client.get(detail_url(quiz)).content.decode()
    assert "Right B" in html
    assert "correct" not in html.lower()
    # The values posted are answer positions, the same kind for every answer: the markup of the
    # right answer is the markup of a wrong one with another number and text.
    right = html[html.index("Right B") - 200 : html.index("Right B")]
    wrong = html[html.index("Wrong C") - 200 : html.index("Wrong C")]
    assert right.count("data-") == wrong.count("data-") == 0
    assert 'value="2"' in right


def test_a_submitted_attempt_shows_no_score_before_the_freeze(client, fan):
    quiz = make_quiz()
    client.post(reverse("quiz:start", args=[quiz.pk]))
    response = client.post(reverse("quiz:submit", args=[quiz.pk]), {"q1": "3", "q2": "2", "q3": "1"})
    assert response.status_code == 302
    assert Attempt.objects.get(fan=fan).score == 3
    html = client.get(detail_url(quiz)).content.decode()
    assert "Your answers are in" in html
    assert "Kirin 778" not in html


def test_a_bad_answer_is_refused_keeps_the_choices_and_saves_nothing(client, fan):
    quiz = make_quiz()
    client.post(reverse("quiz:start", args=[quiz.pk]))
    response = client.post(reverse("quiz:submit", args=[quiz.pk]), {"q1": "3", "q2": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That is not an answer of this question." in html
    assert re.search(r'name="q1" value="3"[^>]*checked', html)
    assert not re.search(r'name="q1" value="[12]"[^>]*checked', html)
    assert Attempt.objects.get(fan=fan).submitted_at is None


def test_a_late_submission_is_refused_with_the_deadline_and_keeps_the_choices(client, fan, settings):
    settings.QUIZ_SUBMIT_GRACE_SECONDS = 5
    quiz = make_quiz(time_limit=60)
    client.post(reverse("quiz:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(fan=fan)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - timedelta(seconds=70), deadline=attempt.deadline - timedelta(seconds=70)
    )
    response = client.post(reverse("quiz:submit", args=[quiz.pk]), {"q1": "2", "q2": "1", "q3": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Time is up" in html
    assert re.search(r'name="q1" value="2"[^>]*checked', html)
    assert Attempt.objects.get(fan=fan).submitted_at is None


def test_submitting_without_starting_is_refused(client, fan):
    quiz = make_quiz()
    response = client.post(reverse("quiz:submit", args=[quiz.pk]), {"q1": "1"})
    assert response.status_code == 400
    assert Attempt.objects.count() == 0


def test_starting_a_closed_quiz_is_refused_with_a_message(client, fan):
    quiz = make_quiz(opens_at=timezone.now() - timedelta(days=2), closes_in=timedelta(days=1))
    quiz.refresh_from_db()
    response = client.post(reverse("quiz:start", args=[quiz.pk]))
    assert response.status_code == 400
    assert "This quiz has closed" in response.content.decode()


def test_visitors_are_sent_to_sign_in_to_start(client, db):
    quiz = make_quiz()
    response = client.post(reverse("quiz:start", args=[quiz.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_result_shows_winners_correct_answers_and_the_fans_rank(client, fan):
    quiz = make_quiz()
    attempt = attempts.start_attempt(quiz=quiz, fan=fan)
    attempts.submit_attempt(attempt=attempt, chosen=[3, 2, 2])
    other = UserFactory(username="bob")
    attempts.submit_attempt(attempt=attempts.start_attempt(quiz=quiz, fan=other), chosen=right_answers())
    freezing.freeze_quiz(quiz=quiz, now=quiz.closes_at + freezing.freeze_delay())
    html = client.get(reverse("quiz:result", args=[quiz.pk])).content.decode()
    assert "You placed <strong>2</strong> with 2 correct." in html
    assert "bob" in html
    assert "✓ correct" in html and "(your answer)" in html


def test_the_result_of_an_open_quiz_redirects_to_the_quiz(client, fan):
    quiz = make_quiz()
    response = client.get(reverse("quiz:result", args=[quiz.pk]))
    assert response.status_code == 302 and response.url == detail_url(quiz)


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("quizzes", [1, 8])
def test_the_list_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, quizzes):
    for _ in range(quizzes):
        attempts.start_attempt(quiz=make_quiz(), fan=fan)
    client.get(reverse("quiz:list"))  # the signed-in user is kept in the cache from now on
    # (session,) quizzes, the reader's attempts among them: the user and the header's unread count
    # come from the cache.
    with django_assert_num_queries(2 + session_queries(settings)):
        assert client.get(reverse("quiz:list")).status_code == 200


@pytest.mark.parametrize("questions", [1, 12])
def test_the_answer_sheet_makes_a_constant_number_of_queries(
    client, fan, django_assert_num_queries, settings, questions
):
    quiz = make_quiz(questions=[(f"Question {n}?", ["A", "B", "C", "D"], n % 4) for n in range(questions)])
    attempts.start_attempt(quiz=quiz, fan=fan)
    client.get(detail_url(quiz))
    # (session,) quiz, the reader's attempt, questions, their answers
    with django_assert_num_queries(4 + session_queries(settings)):
        assert client.get(detail_url(quiz)).status_code == 200


@pytest.mark.parametrize("fans", [1, 6])
def test_the_result_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, fans):
    quiz = make_quiz(winner_count=10)
    for _ in range(fans):
        attempts.submit_attempt(attempt=attempts.start_attempt(quiz=quiz, fan=UserFactory()), chosen=right_answers())
    attempts.submit_attempt(attempt=attempts.start_attempt(quiz=quiz, fan=fan), chosen=right_answers())
    freezing.freeze_quiz(quiz=quiz, now=quiz.closes_at + freezing.freeze_delay())
    client.get(reverse("quiz:result", args=[quiz.pk]))
    # (session,) quiz, winners with their fans, the reader's attempt, questions, answers, the reader's rank
    with django_assert_num_queries(6 + session_queries(settings)):
        assert client.get(reverse("quiz:result", args=[quiz.pk])).status_code == 200
    assert Quiz.objects.get(pk=quiz.pk).is_frozen
