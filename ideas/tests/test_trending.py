"""Trending: recent votes with a one-day half-life, kept in Idea.trending_score."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from ideas import trending, voting
from ideas.models import Idea, IdeaVote
from ideas.tests.factories import ideas_product, propose

pytestmark = pytest.mark.django_db


def test_a_vote_loses_half_its_weight_each_day():
    assert trending.weight(timedelta(0)) == 1
    assert trending.weight(timedelta(days=1)) == pytest.approx(0.5)
    assert trending.weight(timedelta(days=3)) == pytest.approx(0.125)


def _age_votes(idea, age):
    IdeaVote.objects.filter(idea=idea).update(created_at=timezone.now() - age)


def test_a_vote_counts_at_once_and_a_withdrawn_one_no_longer():
    idea = propose(ideas_product(), title="Trending one")
    fan = UserFactory()
    voting.toggle_vote(idea=idea, user=fan)
    assert Idea.objects.get(pk=idea.pk).trending_score == 1
    voting.toggle_vote(idea=idea, user=fan)
    assert Idea.objects.get(pk=idea.pk).trending_score == 0


def test_refresh_decays_old_votes_and_forgets_those_out_of_the_window():
    product = ideas_product()
    fresh = propose(product, title="Fresh", votes=[UserFactory()])
    day_old = propose(product, title="Day old", votes=[UserFactory(), UserFactory()])
    ancient = propose(product, title="Ancient", votes=[UserFactory() for _ in range(5)])
    _age_votes(day_old, timedelta(days=1))
    _age_votes(ancient, trending.WINDOW + timedelta(hours=1))
    assert trending.refresh_trending() == 2
    scores = dict(Idea.objects.values_list("pk", "trending_score"))
    # A vote counts from the middle of its hour: up to half an hour older or younger than cast.
    assert scores[fresh.pk] == pytest.approx(1, abs=0.02)
    assert scores[day_old.pk] == pytest.approx(2 * 0.5, abs=0.02)
    assert scores[ancient.pk] == 0


def test_trending_puts_recent_votes_above_many_old_ones():
    product = ideas_product()
    old = propose(product, title="Popular last week", votes=[UserFactory() for _ in range(6)])
    _age_votes(old, timedelta(days=4))
    new = propose(product, title="Popular today", votes=[UserFactory(), UserFactory()])
    trending.refresh_trending()
    ordered = list(Idea.objects.filter(product=product).order_by("-trending_score").values_list("pk", flat=True))
    assert ordered == [new.pk, old.pk]


def test_the_beat_task_refreshes(settings):
    from ideas import tasks

    idea = propose(ideas_product(), title="Tasked", votes=[UserFactory()])
    Idea.objects.filter(pk=idea.pk).update(trending_score=42)
    tasks.refresh_trending.delay()
    assert Idea.objects.get(pk=idea.pk).trending_score == pytest.approx(1, abs=0.02)
    assert "refresh-trending-ideas" in settings.CELERY_BEAT_SCHEDULE
