"""Ideas, product managers and votes for the voting tests, built through the process functions."""

from itertools import count

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from releases.tests.factories import FeatureAreaFactory, ProductFactory
from voting import ideas, ideavoting

_numbers = count(1)


def make_pm(**fields):
    return UserFactory(roles=[Role.PRODUCT_MANAGER], **fields)


def make_idea(*, board=None, author=None, product=None, area=None, title=None, votes=()):
    """An idea proposed by a fan (its thread in a board of its own unless given), with ``votes`` from those users."""
    product = product or (area.product if area else ProductFactory())
    area = area or FeatureAreaFactory(product=product)
    idea = ideas.propose_idea(
        board=board or BoardFactory(), author=author or UserFactory(), title=title or f"Idea number {next(_numbers)}",
        source="It would be lovely.", product=product, area=area,
    )
    for voter in votes:
        ideavoting.toggle_vote(idea=idea, user=voter)
    idea.refresh_from_db()
    return idea
