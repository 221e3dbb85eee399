"""What winning a quiz earns (the honour app): points for each winner once, after the freeze, and the
quiz-winner medal's rule (registered in QuizConfig.ready; honour imports no app above it)."""

from datetime import datetime

from honour import points
from honour.models import PointEntry
from quiz.models import QuizWinner


def honour_winners(*, now: datetime | None = None) -> int:
    """Points for every winner of a frozen quiz not honoured yet; run after each freezing tick."""
    return points.grant_pending(QuizWinner.objects.all(), kind=PointEntry.Kind.QUIZ_WON, user_field="fan", now=now)


def quiz_winners(now: datetime):
    """Everyone placed among a quiz's winners."""
    return QuizWinner.objects.values_list("fan_id", flat=True).distinct()
