"""Ideas, product managers and votes for the voting tests, built through the process functions."""

from itertools import count

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from ideas import proposing, voting
from releases.tests.factories import FeatureAreaFactory, ProductFactory

_numbers = count(1)


def make_pm(**fields):
    return UserFactory(roles=[Role.PRODUCT_MANAGER], **fields)


def make_idea(*, board=None, author=None, product=None, area=None, title=None, votes=()):
    """An idea proposed by a fan (its thread in a board of its own unless given), with ``votes`` from those users."""
    product = product or (area.product if area else ProductFactory())
    area = area or FeatureAreaFactory(product=product)
    idea = proposing.propose_idea(
        board=board or BoardFactory(),
        author=author or UserFactory(),
        title=title or f"Idea number {next(_numbers)}",
        source="It would be lovely.",
        product=product,
        area=area,
    )
    for voter in votes:
        voting.toggle_vote(idea=idea, user=voter)
    idea.refresh_from_db()
    return idea


def ideas_product(**fields):
    """A product whose ideas live in an ideas board of its own."""
    return ProductFactory(ideas_board=BoardFactory(holds_ideas=True), **fields)


def propose(product, *, title, author=None, area=None, votes=()):
    """An idea in the product's own ideas board."""
    return make_idea(board=product.ideas_board, product=product, area=area, author=author, title=title, votes=votes)
