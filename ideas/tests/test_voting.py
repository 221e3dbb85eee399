import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from ideas import statuses, voting
from ideas.models import Idea, IdeaVote
from ideas.proposing import IdeaRefused
from ideas.tests.factories import make_idea, make_pm
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def count_and_rows(idea):
    return Idea.objects.get(pk=idea.pk).vote_count, IdeaVote.objects.filter(idea=idea).count()


def test_voting_counts_one_vote():
    idea, fan = make_idea(), UserFactory()
    assert voting.toggle_vote(idea=idea, user=fan) is True
    assert count_and_rows(idea) == (1, 1)


def test_voting_twice_takes_the_vote_back():
    idea, fan = make_idea(), UserFactory()
    voting.toggle_vote(idea=idea, user=fan)
    assert voting.toggle_vote(idea=idea, user=fan) is False
    assert count_and_rows(idea) == (0, 0)


def test_voting_on_a_declined_idea_is_refused_and_keeps_the_votes():
    fan = UserFactory()
    idea = make_idea(votes=[fan])
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.DECLINED, note="Not for this phone.")
    with pytest.raises(IdeaRefused, match="closed"):
        voting.toggle_vote(idea=idea, user=fan)
    with pytest.raises(IdeaRefused, match="closed"):
        voting.toggle_vote(idea=idea, user=UserFactory())
    assert count_and_rows(idea) == (1, 1)


def test_voting_on_a_merged_idea_is_refused():
    idea = make_idea()
    statuses.merge_idea(idea=idea, into=make_idea(product=idea.product), by=make_pm(), note="Same thing.")
    with pytest.raises(IdeaRefused, match="closed"):
        voting.toggle_vote(idea=idea, user=UserFactory())
    assert count_and_rows(idea) == (0, 0)


def test_recount_repairs_a_drifted_vote_count():
    idea = make_idea(votes=[UserFactory()])
    other = make_idea(votes=[UserFactory(), UserFactory()])
    Idea.objects.filter(pk=idea.pk).update(vote_count=9)
    assert voting.recount_votes() == 1
    assert count_and_rows(idea) == (1, 1) and count_and_rows(other) == (2, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_keep_the_count_equal_to_the_rows():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    idea = make_idea()
    fans = [UserFactory() for _ in range(8)]
    # Each fan taps three times at once: one vote stands for each of them.
    run_at_once([lambda fan=fan: voting.toggle_vote(idea=idea, user=fan) for fan in fans for _ in range(3)])
    assert count_and_rows(idea) == (8, 8)
