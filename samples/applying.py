"""Applying to an engineering-sample programme: once per fan, before the deadline, every question
answered. The unique constraint ``samples_one_application_per_fan`` has the last word."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from samples.models import ANSWER_MAX, Application, Programme


class SampleRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def access_programme(user, programme_id: int) -> Programme:
    """A published programme (any for staff) with its product, or 404."""
    programmes = Programme.objects.select_related("product")
    if not (user.is_authenticated and user.is_staff):
        programmes = programmes.filter(published=True)
    return get_object_or_404(programmes, pk=programme_id)


def is_open(programme: Programme, now: datetime) -> bool:
    return programme.published and programme.state == Programme.State.OPEN and now < programme.closes_at


@transaction.atomic(durable=True)
def apply_for_sample(*, programme: Programme, fan, answers: list[str], now: datetime | None = None) -> Application:
    if not fan.is_authenticated:
        raise SampleRefused(_("Sign in to apply."))
    now = now or timezone.now()
    if not is_open(programme, now):
        raise SampleRefused(_("Applications for this programme have closed."))
    answers = [str(answer).strip() for answer in answers]
    if len(answers) != len(programme.question_list):
        raise SampleRefused(_("Answer every question: reload the page."))
    if any(not answer or len(answer) > ANSWER_MAX for answer in answers):
        raise SampleRefused(_("Answer every question, in at most %(max)d characters each.") % {"max": ANSWER_MAX})
    try:
        with transaction.atomic():
            return Application.objects.create(programme=programme, fan=fan, answers=answers, created_at=now)
    except IntegrityError:
        raise SampleRefused(_("You have already applied to this programme.")) from None
