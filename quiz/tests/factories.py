from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from quiz.models import Answer, Question, Quiz

THREE_QUESTIONS = [
    ("How many cameras does the Nova 9 have?", ["One", "Two", "Three"], 2),
    ("Which chip powers the Nova 9?", ["Kirin 778", "Snapdragon 888", "Dimensity 9000", "Exynos 2100"], 1),
    ("Battery capacity?", ["4300 mAh", "5000 mAh"], 0),
]


def make_quiz(
    *,
    questions=THREE_QUESTIONS,
    opens_at=None,
    closes_in=timedelta(days=1),
    time_limit=120,
    thread=None,
    published=True,
    winner_count=3,
    created_by=None,
    title="Know your Nova 9",
) -> Quiz:
    """A quiz written as staff write it in the admin: ``questions`` are (text, answers, index of the correct one)."""
    opens_at = opens_at or timezone.now() - timedelta(minutes=5)
    quiz = Quiz.objects.create(
        title=title,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=5) + closes_in,
        time_limit=time_limit,
        thread=thread,
        published=published,
        winner_count=winner_count,
        created_by=created_by or UserFactory(is_staff=True),
    )
    for position, (text, answers, correct) in enumerate(questions, start=1):
        question = Question.objects.create(quiz=quiz, position=position, text=text)
        Answer.objects.bulk_create(
            [
                Answer(question=question, position=n, text=answer, correct=(n - 1 == correct))
                for n, answer in enumerate(answers, start=1)
            ]
        )
    return quiz


def right_answers(questions=THREE_QUESTIONS) -> list[int | None]:
    return [correct + 1 for _text, _answers, correct in questions]
