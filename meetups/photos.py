"""After a meetup: a thread where those who went share their photos, opened once by the beat.

The tick takes each approved meetup that has ended and has no photo thread, locked (FOR UPDATE SKIP
LOCKED: two beats never open two threads), starts the thread in the ``MEETUPS_PHOTO_BOARD`` board
in the organiser's name and tells everyone who had a seat, all in one transaction.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from canyu.text import plain_markdown
from forum import posting
from forum.models import Board
from meetups.models import Meetup, Rsvp
from notifications.delivery import notify
from notifications.models import Kind

logger = logging.getLogger(__name__)
PHOTO_THREADS_PER_TICK = 50


def _due(now: datetime):
    return Meetup.objects.filter(status=Meetup.Status.APPROVED, photo_thread__isnull=True, ends_at__lte=now)


def open_photo_thread(*, meetup_id: int, board: Board, now: datetime) -> bool:
    """Open the photo thread of one ended meetup; False if another run has, or it is not due."""
    with transaction.atomic():
        meetup = (
            _due(now).select_for_update(skip_locked=True, of=("self",)).select_related("organiser").filter(pk=meetup_id)
        ).first()
        if meetup is None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Photos: %(title)s") % {"title": meetup.title}
            source = _(
                "%(title)s is over: thank you for coming! Share your photos and what you liked here. "
                "[The meetup](%(url)s)"
            ) % {"title": plain_markdown(meetup.title), "url": meetup.get_absolute_url()}
        thread = posting.add_thread(
            board=board, author=meetup.organiser, title=title[:120], source=source, spam_limits=False
        )
        Meetup.objects.filter(pk=meetup.pk).update(photo_thread=thread)
        went = Rsvp.objects.filter(meetup=meetup, status=Rsvp.Status.GOING).values_list("fan_id", flat=True)
        with translation.override(settings.LANGUAGE_CODE):
            news = _("share your photos")
        notify(
            recipient_ids=list(went),
            kind=Kind.MEETUP,
            key=f"meetup:{meetup.pk}:photos",
            params={"title": meetup.title, "news": news},
            url=reverse("forum:thread", args=[thread.pk]),
        )
    return True


def open_due_photo_threads(*, now: datetime | None = None) -> int:
    """The beat's tick: a photo thread for every approved meetup that has ended, each once."""
    now = now or timezone.now()
    board = Board.objects.filter(slug=settings.MEETUPS_PHOTO_BOARD).first()
    if board is None:
        logger.warning("No board %r for meetup photo threads (MEETUPS_PHOTO_BOARD)", settings.MEETUPS_PHOTO_BOARD)
        return 0
    due = list(_due(now).order_by("ends_at", "pk").values_list("pk", flat=True)[:PHOTO_THREADS_PER_TICK])
    return sum(open_photo_thread(meetup_id=meetup_id, board=board, now=now) for meetup_id in due)
