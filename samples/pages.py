"""Every query the sample-programme pages make; templates never query."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from samples.applying import access_programme, is_open
from samples.models import Application, Programme

LISTED = 50


def programme_list() -> list[Programme]:
    """Published programmes, newest first, with their products (one query)."""
    return list(Programme.objects.filter(published=True).select_related("product").order_by("-created_at")[:LISTED])


@dataclass
class ProgrammePage:
    programme: Programme
    application: Application | None
    now: datetime

    @property
    def is_open(self) -> bool:
        return is_open(self.programme, self.now)


def programme_page(user, programme_id: int) -> ProgrammePage:
    """The programme with its product (one query) and the reader's application (one)."""
    programme = access_programme(user, programme_id)
    application = Application.objects.filter(programme=programme, fan=user).first() if user.is_authenticated else None
    return ProgrammePage(programme=programme, application=application, now=timezone.now())
