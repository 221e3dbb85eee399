"""A teaser's share card and picture (canyu/sharing.py, canyu/cardimages.py): its title, the clues
shown so far and, once revealed, the answer. Only what the teaser page shows everyone: a clue whose
time has not come is never on the card, so the picture changes (and is drawn again) with each clue."""

from django.urls import reverse
from django.utils.translation import gettext as _

from canyu.cardimages import Card
from canyu.sharing import ShareCard, share_card
from guesses.pages import TeaserPage

CARD_CLUES = 3


def _lines(page: TeaserPage) -> tuple[str, ...]:
    answer = page.answer
    clues = [f"· {clue.text}" for clue in page.clues[-CARD_CLUES:]]
    if answer is not None:
        return (*clues[-(CARD_CLUES - 1) :], _("The answer: %(answer)s") % {"answer": answer.label})
    return tuple(clues) or (_("The first clue is coming soon."),)


def teaser_share_card(page: TeaserPage) -> ShareCard:
    teaser = page.teaser
    return share_card(
        title=f"{_('Guess the product')} · {teaser.title}",
        description=" ".join(_lines(page)),
        path=teaser.get_absolute_url(),
        image_path=reverse("guesses:card", args=[teaser.pk]),
    )


def teaser_picture(page: TeaserPage) -> Card:
    return Card(kicker=_("Guess the product"), title=page.teaser.title, lines=_lines(page), footer=_("Canyu"))
