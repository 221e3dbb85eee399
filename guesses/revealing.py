"""Revealing a teaser's answer once, after it closes: counts frozen, right guessers marked, the
result posted in the teaser's thread.

The claim is a conditional UPDATE, ``state: open → revealed WHERE state = 'open' AND closes_at <=
now - REVEAL_MARGIN``: however many beats run ``reveal_due_teasers``, one call reveals each teaser.
The counts, the ``right`` marks and the result post commit with the claim. The margin lets a guess
accepted just before the close (guesses.guessing checks the time before its statement) be written
first. Right guessers get their points after the reveal's commit, in batches (guesses.honours),
which sets ``Guess.honoured_at``.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext

from canyu.text import plain_markdown
from forum import pagecache, posting
from guesses.models import Choice, Guess, Teaser

logger = logging.getLogger(__name__)

REVEAL_MARGIN = timedelta(seconds=10)
REVEAL_PER_TICK = 50


@transaction.atomic(durable=True)
def reveal_teaser(*, teaser: Teaser, now: datetime | None = None) -> bool:
    """Reveal the answer of a closed teaser. True only for the one call that revealed it; False if it
    was revealed already or is not due yet (its closing time plus the margin)."""
    now = now or timezone.now()
    claimed = Teaser.objects.filter(pk=teaser.pk, state=Teaser.State.OPEN, closes_at__lte=now - REVEAL_MARGIN).update(
        state=Teaser.State.REVEALED, revealed_at=now
    )
    if claimed != 1:
        return False
    teaser = Teaser.objects.select_related("thread", "created_by").get(pk=teaser.pk)
    answer = Choice.objects.filter(teaser=teaser, correct=True).first()
    guesses = Guess.objects.filter(teaser=teaser)
    right = guesses.filter(choice=answer).update(right=True) if answer is not None else 0
    total = guesses.count()
    Teaser.objects.filter(pk=teaser.pk).update(guess_count=total, right_count=right)
    teaser.guess_count, teaser.right_count = total, right
    if teaser.thread is not None and teaser.created_by is not None:
        post = posting.add_reply(thread=teaser.thread, author=teaser.created_by, source=result_markdown(teaser, answer))
        Teaser.objects.filter(pk=teaser.pk).update(result_post=post)
        pagecache.changed(thread_ids=[teaser.thread.pk])
    logger.info("Teaser %s revealed: %s guesses, %s right", teaser.pk, total, right)
    return True


def reveal_due_teasers(*, now: datetime | None = None) -> int:
    """The minute's tick: reveal every teaser due, each in its own transaction and at most once."""
    now = now or timezone.now()
    due = list(
        Teaser.objects.filter(state=Teaser.State.OPEN, closes_at__lte=now - REVEAL_MARGIN).order_by("closes_at", "pk")[
            :REVEAL_PER_TICK
        ]
    )
    return sum(reveal_teaser(teaser=teaser, now=now) for teaser in due)


def result_markdown(teaser: Teaser, answer: Choice | None) -> str:
    """The result post, in the site's language (a post has one text for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("**The answer is revealed:** %(title)s") % {"title": plain_markdown(teaser.title)}, ""]
        if answer is not None:
            lines.append(_("It was “%(answer)s”.") % {"answer": plain_markdown(answer.label)})
        lines.append(
            ngettext(
                "%(right)d of %(count)d fan guessed right.",
                "%(right)d of %(count)d fans guessed right.",
                teaser.guess_count,
            )
            % {"right": teaser.right_count, "count": teaser.guess_count}
        )
    return "\n".join(lines)
