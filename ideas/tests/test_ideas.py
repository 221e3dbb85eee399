import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.models import Thread, ThreadFollow
from forum.tests.factories import BoardFactory
from ideas.models import Idea
from ideas.proposing import IdeaRefused, propose_idea
from releases.tests.factories import FeatureAreaFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_proposing_an_idea_starts_its_thread_and_the_author_follows_it():
    board, author, area = BoardFactory(), UserFactory(), FeatureAreaFactory()
    idea = propose_idea(
        board=board, author=author, title="Longer battery life", source="Please.", product=area.product, area=area
    )
    assert (idea.thread.title, idea.thread.board, idea.status, idea.vote_count) == (
        "Longer battery life",
        board,
        Idea.Status.NEW,
        0,
    )
    assert idea.thread.posts.get().source == "Please."
    assert ThreadFollow.objects.filter(thread=idea.thread, user=author).exists()


def test_an_area_of_another_product_is_refused_and_no_thread_is_left():
    area = FeatureAreaFactory()
    with pytest.raises(IdeaRefused, match="not part of"):
        propose_idea(
            board=BoardFactory(),
            author=UserFactory(),
            title="Longer battery life",
            source="Please.",
            product=ProductFactory(),
            area=area,
        )
    assert (Thread.objects.count(), Idea.objects.count()) == (0, 0)


def test_a_board_the_author_may_not_start_threads_in_is_refused():
    board = BoardFactory(start_roles=[Group.objects.get(name=Role.ADMIN.value)])
    area = FeatureAreaFactory()
    with pytest.raises(IdeaRefused, match="cannot start threads"):
        propose_idea(
            board=board,
            author=UserFactory(),
            title="Longer battery life",
            source="Please.",
            product=area.product,
            area=area,
        )
    assert (Thread.objects.count(), Idea.objects.count()) == (0, 0)


def test_a_too_short_title_leaves_neither_thread_nor_idea():
    area = FeatureAreaFactory()
    # The database's rule, under the form's friendlier check.
    with pytest.raises(IntegrityError, match="forum_thread_title_min_length"):
        propose_idea(
            board=BoardFactory(), author=UserFactory(), title="No", source="Please.", product=area.product, area=area
        )
    assert (Thread.objects.count(), Idea.objects.count()) == (0, 0)
