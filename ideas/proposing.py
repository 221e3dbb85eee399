"""Proposing an idea: a thread in an ideas board and its Idea row, committed together."""

from django.db import transaction
from django.utils.translation import gettext as _

from forum import access, following, pagecache, posting
from forum.models import Board
from ideas import similar
from ideas.models import Idea
from releases.models import FeatureArea, Product
from search import indexing


class IdeaRefused(Exception):
    """A rule said no; the message is for the person who tried."""


@transaction.atomic(durable=True)
def propose_idea(*, board: Board, author, title: str, source: str, product: Product, area: FeatureArea) -> Idea:
    """Start the idea's thread and its Idea row in one transaction: neither exists without the other.

    The author follows the thread, as after ``forum.posting.start_thread``, and
    so hears about replies and status changes.
    """
    if not access.may_start_thread(author, board):
        raise IdeaRefused(_("You cannot start threads in this board."))
    if area.product_id != product.pk:
        raise IdeaRefused(
            _("The feature area “%(area)s” is not part of %(product)s.") % {"area": area.name, "product": product.name}
        )
    try:
        thread = posting.add_thread(board=board, author=author, title=title, source=source)
    except posting.PostingRefused as refusal:
        raise IdeaRefused(str(refusal)) from None
    following.follow_thread(user=author, thread=thread)
    idea = Idea.objects.create(thread=thread, product=product, area=area, created_at=thread.created_at)
    similar.index_title(idea, thread.title)
    indexing.mark_idea(thread_id=thread.pk, product_id=product.pk)
    pagecache.changed(board_ids=[board.pk])
    return idea
