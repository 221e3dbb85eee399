"""Winning a quiz earns points once (the beat task run twice) and the quiz-winner medal."""

import pytest

from accounts.tests.factories import UserFactory
from honour import medals
from honour.models import Medal, MedalAward, PointEntry, Standing
from quiz import freezing, honours
from quiz.models import QuizWinner
from quiz.tasks import freeze_due_quizzes
from quiz.tests.factories import make_quiz, right_answers
from quiz.tests.test_freezing import after_close, take

pytestmark = pytest.mark.django_db


def test_winners_get_their_points_once_and_losers_none(settings):
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "quiz_won": 30}
    quiz = make_quiz(winner_count=1)
    winner, loser = UserFactory(), UserFactory()
    take(quiz, winner, right_answers(), 10)
    take(quiz, loser, [3, 2, 2], 10)
    assert freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    assert honours.honour_winners() == 1
    assert honours.honour_winners() == 0
    assert Standing.objects.get(user=winner).points == 30
    assert not Standing.objects.filter(user=loser, points__gt=0).exists()
    assert PointEntry.objects.filter(user=winner, kind=PointEntry.Kind.QUIZ_WON).count() == 1
    assert QuizWinner.objects.get(fan=winner).honoured_at is not None


def test_the_minute_task_freezes_and_honours(time_machine):
    quiz = make_quiz(winner_count=1)
    winner = UserFactory()
    take(quiz, winner, right_answers(), 10)
    time_machine.move_to(after_close(quiz))
    assert freeze_due_quizzes() == 1
    assert freeze_due_quizzes() == 0
    assert PointEntry.objects.filter(user=winner, kind=PointEntry.Kind.QUIZ_WON).count() == 1


def test_the_quiz_winner_medal_goes_to_every_winner_once():
    Medal.objects.create(name="Quiz winner", slug="quiz-winner", rule=Medal.Rule.QUIZ_WINNER)
    quiz = make_quiz(winner_count=1)
    winner = UserFactory()
    take(quiz, winner, right_answers(), 10)
    take(quiz, UserFactory(), [3, 2, 2], 10)
    freezing.freeze_quiz(quiz=quiz, now=after_close(quiz))
    medals.grant_automatic_medals()
    medals.grant_automatic_medals()
    assert list(MedalAward.objects.values_list("user", flat=True)) == [winner.pk]
