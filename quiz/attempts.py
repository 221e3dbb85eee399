"""A fan's one attempt at a quiz: start it (the server's clock starts), submit it (one write).

Guarantees:

- One attempt per fan and quiz: the unique constraint ``quiz_one_attempt_per_fan`` decides; a second
  start (a double tap, a second tab) returns the attempt already running.
- The clock is the server's. Starting stores ``started_at`` and the ``deadline`` (start plus the
  time limit, or the closing time if that comes first). Nothing the browser sends about time is read.
- A submission is one conditional UPDATE of the attempt row: answers (one character per question),
  score and time taken, ``WHERE submitted_at IS NULL AND deadline >= now - grace``. It takes
  effect at most once, and never after the deadline plus ``QUIZ_SUBMIT_GRACE_SECONDS`` (the grace
  covers the request's trip, not thinking time): later, it is refused and nothing is written.
  The time taken is capped at the time limit, so a submission inside the grace ranks as one at
  the deadline, not later.
- The score is computed here from the answer key in the database; the page never carries it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from quiz.models import Answer, Attempt, Quiz


class QuizRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def grace() -> timedelta:
    return timedelta(seconds=settings.QUIZ_SUBMIT_GRACE_SECONDS)


def access_quiz(user, quiz_id: int) -> Quiz:
    """A published quiz (any quiz for staff), or 404."""
    quizzes = Quiz.objects.all() if user.is_authenticated and user.is_staff else Quiz.objects.filter(published=True)
    return get_object_or_404(quizzes, pk=quiz_id)


def is_open(quiz: Quiz, now: datetime) -> bool:
    return quiz.published and quiz.state == Quiz.State.OPEN and quiz.opens_at <= now < quiz.closes_at


@transaction.atomic(durable=True)
def start_attempt(*, quiz: Quiz, fan, now: datetime | None = None) -> Attempt:
    """The fan's attempt: created now if the quiz is open, or the one they already started.

    Refused, with nothing written, for visitors not signed in and for a quiz not open yet, closed
    or frozen (unless the fan already has an attempt: then that one is returned).
    """
    if not fan.is_authenticated:
        raise QuizRefused(_("Sign in to take the quiz."))
    now = now or timezone.now()
    existing = Attempt.objects.filter(quiz=quiz, fan=fan).first()
    if existing is not None:
        return existing
    if not is_open(quiz, now):
        if now < quiz.opens_at:
            raise QuizRefused(_("This quiz has not opened yet."))
        raise QuizRefused(_("This quiz has closed: it takes no more attempts."))
    deadline = min(now + timedelta(seconds=quiz.time_limit), quiz.closes_at)
    try:
        with transaction.atomic():
            return Attempt.objects.create(quiz=quiz, fan=fan, started_at=now, deadline=deadline)
    except IntegrityError:
        # The same fan's other request got in first (a double tap): that attempt is theirs.
        return Attempt.objects.get(quiz=quiz, fan=fan)


@dataclass(frozen=True)
class AnswerKey:
    """Per question in order: how many answers it has and the position of the correct one."""

    sizes: tuple[int, ...]
    correct: tuple[int, ...]


def answer_key(quiz_id: int) -> AnswerKey:
    """The quiz's answer key, from one query."""
    rows = (
        Answer.objects.filter(question__quiz_id=quiz_id)
        .order_by("question__position", "position")
        .values_list("question_id", "position", "correct")
    )
    sizes: dict[int, int] = {}
    correct: dict[int, int] = {}
    for question_id, position, is_correct in rows:
        sizes[question_id] = sizes.get(question_id, 0) + 1
        if is_correct:
            correct[question_id] = position
    order = list(sizes)
    return AnswerKey(sizes=tuple(sizes[q] for q in order), correct=tuple(correct.get(q, 0) for q in order))


def encode_answers(chosen: list[int | None], key: AnswerKey) -> str:
    """One character per question: the chosen position or 0. Refuses positions the question lacks."""
    if len(chosen) != len(key.sizes):
        raise QuizRefused(_("The answers do not match this quiz's questions: reload the page."))
    out = []
    for position, size in zip(chosen, key.sizes, strict=True):
        if position is None:
            out.append("0")
        elif isinstance(position, int) and 1 <= position <= size:
            out.append(str(position))
        else:
            raise QuizRefused(_("That is not an answer of this quiz."))
    return "".join(out)


def score_of(answers: str, key: AnswerKey) -> int:
    return sum(1 for given, right in zip(answers, key.correct, strict=False) if right and given == str(right))


def submit_attempt(*, attempt: Attempt, chosen: list[int | None], now: datetime | None = None) -> Attempt:
    """Store the fan's answers with their score: one UPDATE, at most once, never after the deadline
    plus the grace (see the module's docstring). ``chosen`` has one entry per question in order:
    the chosen answer's position, or None.
    """
    now = now or timezone.now()
    key = answer_key(attempt.quiz_id)
    answers = encode_answers(chosen, key)
    score = score_of(answers, key)
    limit_ms = int((attempt.deadline - attempt.started_at).total_seconds() * 1000)
    taken_ms = min(max(0, int((now - attempt.started_at).total_seconds() * 1000)), limit_ms)
    written = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True, deadline__gte=now - grace()).update(
        submitted_at=now, answers=answers, score=score, time_taken_ms=taken_ms
    )
    if written != 1:
        current = Attempt.objects.get(pk=attempt.pk)
        if current.submitted_at is not None:
            raise QuizRefused(_("Your answers were already submitted; an attempt is submitted once."))
        local = timezone.localtime(current.deadline)
        raise QuizRefused(
            _("Time is up: your attempt ended at %(deadline)s, so these answers were not accepted.")
            % {"deadline": local.strftime("%H:%M:%S")}
        )
    attempt.submitted_at, attempt.answers, attempt.score, attempt.time_taken_ms = now, answers, score, taken_ms
    return attempt
