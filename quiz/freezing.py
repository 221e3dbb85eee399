"""Freezing a quiz's result once, after it closes: ranking, winners, the result post.

The claim is a conditional UPDATE, ``state: open → frozen WHERE state = 'open'``: however many
beats and workers run ``freeze_due_quizzes`` at once, one call freezes each quiz and the others
find it frozen. The ranking, the winners (``QuizWinner``) and the result post commit in the same
transaction as the claim, so a crash leaves neither or all.

A quiz is due ``FREEZE_DELAY`` after its closing time: every deadline is at most the closing time,
and a submission is accepted up to the grace after it (quiz.attempts), so by then no submission can
still be written; the delay leaves a margin for a request already on its way to its UPDATE.

Ranking: submitted attempts by score (higher first), then time taken (shorter first), then who
submitted first (the attempt's id, as a last tie-break): served by the index
``quiz_attempt_ranking``, so freezing reads ``winner_count`` rows, however many fans took part.
Winners get their points after the freeze's commit (quiz.honours, in the same beat task), which sets ``honoured_at``.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext

from canyu.text import plain_markdown
from forum import pagecache, posting
from quiz.attempts import grace
from quiz.models import Attempt, Quiz, QuizWinner

logger = logging.getLogger(__name__)

FREEZE_MARGIN = timedelta(seconds=10)
FREEZE_PER_TICK = 50


def freeze_delay() -> timedelta:
    return grace() + FREEZE_MARGIN


def ranking(quiz_id: int):
    """Submitted attempts of the quiz, best first."""
    return Attempt.objects.filter(quiz_id=quiz_id, submitted_at__isnull=False).order_by("-score", "time_taken_ms", "id")


@transaction.atomic(durable=True)
def freeze_quiz(*, quiz: Quiz, now: datetime | None = None) -> bool:
    """Freeze the result of a closed quiz. True only for the one call that froze it; False if it was
    frozen already or is not due yet (its closing time plus the freeze delay)."""
    now = now or timezone.now()
    claimed = Quiz.objects.filter(pk=quiz.pk, state=Quiz.State.OPEN, closes_at__lte=now - freeze_delay()).update(
        state=Quiz.State.FROZEN, frozen_at=now
    )
    if claimed != 1:
        return False
    quiz = Quiz.objects.select_related("thread", "created_by").get(pk=quiz.pk)
    submitted = ranking(quiz.pk).count()
    top = list(ranking(quiz.pk).values_list("fan_id", "score", "time_taken_ms")[: quiz.winner_count])
    QuizWinner.objects.bulk_create(
        [
            # Submitted attempts always have a time taken (quiz_submitted_has_time_taken).
            QuizWinner(quiz=quiz, fan_id=fan_id, rank=rank, score=score, time_taken_ms=taken or 0)
            for rank, (fan_id, score, taken) in enumerate(top, start=1)
        ]
    )
    Quiz.objects.filter(pk=quiz.pk).update(submitted_count=submitted)
    quiz.submitted_count = submitted
    if quiz.thread is not None and quiz.created_by is not None:
        winners = list(QuizWinner.objects.filter(quiz=quiz).select_related("fan"))
        post = posting.add_reply(thread=quiz.thread, author=quiz.created_by, source=result_markdown(quiz, winners))
        Quiz.objects.filter(pk=quiz.pk).update(result_post=post)
        pagecache.changed(thread_ids=[quiz.thread.pk])
    logger.info("Quiz %s frozen: %s submitted attempts, %s winners", quiz.pk, submitted, len(top))
    return True


def freeze_due_quizzes(*, now: datetime | None = None) -> int:
    """The minute's tick: freeze every quiz due, each in its own transaction and at most once.
    Returns how many this call froze."""
    now = now or timezone.now()
    due = list(
        Quiz.objects.filter(state=Quiz.State.OPEN, closes_at__lte=now - freeze_delay()).order_by("closes_at", "pk")[
            :FREEZE_PER_TICK
        ]
    )
    return sum(freeze_quiz(quiz=quiz, now=now) for quiz in due)


@dataclass
class Standing:
    """A fan's place in a frozen quiz."""

    rank: int
    score: int
    time_taken_ms: int


def standing_of(attempt: Attempt | None) -> Standing | None:
    """The attempt's rank (1 + the attempts ranked before it: one count on the ranking index), or None."""
    if attempt is None or attempt.submitted_at is None or attempt.time_taken_ms is None:
        return None
    taken = attempt.time_taken_ms
    ahead = (
        ranking(attempt.quiz_id)
        .filter(
            Q(score__gt=attempt.score)
            | Q(score=attempt.score, time_taken_ms__lt=taken)
            | Q(score=attempt.score, time_taken_ms=taken, id__lt=attempt.pk)
        )
        .count()
    )
    return Standing(rank=ahead + 1, score=attempt.score, time_taken_ms=taken)


def seconds(ms: int) -> str:
    """Time taken as shown: seconds with one decimal."""
    return f"{ms / 1000:.1f}"


def result_markdown(quiz: Quiz, winners: list[QuizWinner]) -> str:
    """The result post, in the site's language (a post has one text for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("**Quiz result:** %(title)s") % {"title": plain_markdown(quiz.title)}, ""]
        lines.append(
            ngettext(
                "%(count)d fan submitted an attempt.", "%(count)d fans submitted an attempt.", quiz.submitted_count
            )
            % {"count": quiz.submitted_count}
        )
        if winners:
            lines += ["", _("Winners, by score and then time taken:"), ""]
            for winner in winners:
                lines.append(
                    _("%(rank)d. @%(name)s: %(score)d correct in %(seconds)s s")
                    % {
                        "rank": winner.rank,
                        "name": winner.fan.username,
                        "score": winner.score,
                        "seconds": seconds(winner.time_taken_ms),
                    }
                )
    return "\n".join(lines)
