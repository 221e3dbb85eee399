"""Every query the quiz pages make, one function per page; templates never query.

No query here reads ``Answer.correct`` for a quiz that is not frozen: the sheet's answers are
loaded with their text and position only.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from canyu.windows import by_window
from quiz.attempts import access_quiz, is_open
from quiz.freezing import Standing, standing_of
from quiz.models import Answer, Attempt, Question, Quiz, QuizWinner

LISTED = 60


@dataclass
class QuizList:
    open: list[Quiz] = field(default_factory=list)
    upcoming: list[Quiz] = field(default_factory=list)
    past: list[Quiz] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)


def quiz_list(user, *, now: datetime | None = None) -> QuizList:
    """Published quizzes, open ones first (one query), and which of them the reader has started (one)."""
    now = now or timezone.now()
    quizzes = list(Quiz.objects.filter(published=True).order_by("-closes_at", "-pk")[:LISTED])
    page = QuizList(*by_window(quizzes, now=now, is_open=is_open))
    if user.is_authenticated and quizzes:
        page.taken = set(
            Attempt.objects.filter(fan=user, quiz__in=[quiz.pk for quiz in quizzes]).values_list("quiz_id", flat=True)
        )
    return page


def sheet_questions(quiz_id: int) -> list[Question]:
    """The questions with their answers' text and position only (two queries)."""
    answers = Answer.objects.only("id", "question_id", "position", "text").order_by("position")
    return list(
        Question.objects.filter(quiz_id=quiz_id).order_by("position").prefetch_related(Prefetch("answers", answers))
    )


@dataclass
class QuizPage:
    quiz: Quiz
    attempt: Attempt | None
    now: datetime
    questions: list[Question]

    @property
    def is_open(self) -> bool:
        return is_open(self.quiz, self.now)

    @property
    def answering(self) -> bool:
        """The sheet is shown: started, not submitted, and the deadline not passed."""
        return self.attempt is not None and not self.attempt.is_submitted and self.now <= self.attempt.deadline


def quiz_page(user, quiz_id: int, *, now: datetime | None = None) -> QuizPage:
    """The quiz (one query), the reader's attempt (one) and, while they answer, the sheet (two)."""
    now = now or timezone.now()
    quiz = access_quiz(user, quiz_id)
    attempt = Attempt.objects.filter(quiz=quiz, fan=user).first() if user.is_authenticated else None
    page = QuizPage(quiz=quiz, attempt=attempt, now=now, questions=[])
    if page.answering and not quiz.is_frozen:
        page.questions = sheet_questions(quiz.pk)
    return page


@dataclass
class ResultPage:
    quiz: Quiz
    winners: list[QuizWinner]
    attempt: Attempt | None
    standing: Standing | None
    questions: list[Question]


def result_page(user, quiz: Quiz) -> ResultPage:
    """A frozen quiz's result: winners with their names (one query), the reader's attempt (one) and
    rank (one count), the questions with every answer and which was correct (two)."""
    winners = list(QuizWinner.objects.filter(quiz=quiz).select_related("fan").order_by("rank"))
    attempt = Attempt.objects.filter(quiz=quiz, fan=user).first() if user.is_authenticated else None
    questions = list(Question.objects.filter(quiz=quiz).order_by("position").prefetch_related("answers"))
    if attempt is not None and attempt.answers:
        for question, given in zip(questions, attempt.answers, strict=False):
            question.given = int(given)  # type: ignore[attr-defined]
    return ResultPage(quiz=quiz, winners=winners, attempt=attempt, standing=standing_of(attempt), questions=questions)
