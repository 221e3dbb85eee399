"""The daily caps on idea votes and on proposing ideas (forum.ratelimits), on the ideas pages."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.ratelimits import LimitReached
from ideas import voting
from ideas.models import Idea, IdeaVote
from ideas.tests.factories import ideas_product, propose
from releases.tests.factories import FeatureAreaFactory
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+08:00"
DAY = 24 * 3600


@pytest.fixture
def caps(settings):
    settings.FORUM_DAILY_CAPS = {"thread": (3, 2), "reply": (3, 2), "like": (3, 2), "idea_vote": (3, 2)}


@pytest.fixture
def product():
    return ideas_product(name="MIUI", slug="miui")


def vote(client, idea, **headers):
    return client.post(reverse("ideas:vote", args=[idea.pk]), **headers)


def ideas_of(product, n):
    return [propose(product, title=f"Idea number {i}") for i in range(n)]


def test_a_vote_over_the_daily_cap_with_htmx_answers_429_with_the_reason_in_the_box(client, caps, product, fan):
    ideas = ideas_of(product, 4)
    with time_machine.travel(NOW, tick=False) as clock:
        for idea in ideas[:3]:
            assert vote(client, idea, HTTP_HX_REQUEST="true").status_code == 200
            clock.shift(60)
        response = vote(client, ideas[3], HTTP_HX_REQUEST="true")
    assert response.status_code == 429 and int(response["Retry-After"]) == DAY - 3 * 60
    box = response.content.decode()
    assert f'id="vote-{ideas[3].pk}"' in box and 'aria-pressed="false"' in box and "<strong>0</strong>" in box
    assert "You have reached the limit of 3 idea votes a day; try again in 24 hours." in box
    assert not IdeaVote.objects.filter(idea=ideas[3]).exists() and Idea.objects.get(pk=ideas[3].pk).vote_count == 0


def test_a_vote_over_the_daily_cap_without_htmx_answers_the_429_page(client, caps, product, fan):
    ideas = ideas_of(product, 4)
    with time_machine.travel(NOW, tick=False):
        for idea in ideas[:3]:
            assert vote(client, idea).status_code == 302
        response = vote(client, ideas[3])
    assert response.status_code == 429 and int(response["Retry-After"]) == DAY
    assert "limit of 3 idea votes a day" in response.content.decode()
    assert f'href="{ideas[3].get_absolute_url()}"' in response.content.decode()


def test_the_vote_cap_frees_a_place_exactly_24_hours_after_the_oldest_vote(caps, product):
    fan, ideas = UserFactory(), ideas_of(product, 4)
    with time_machine.travel(NOW, tick=False) as clock:
        for idea in ideas[:3]:
            voting.toggle_vote(idea=idea, user=fan)
        clock.shift(DAY - 1)
        with pytest.raises(LimitReached):
            voting.toggle_vote(idea=ideas[3], user=fan)
        clock.shift(1)
        assert voting.toggle_vote(idea=ideas[3], user=fan) is True


def test_a_first_day_has_the_stricter_vote_cap(caps, product):
    ideas = ideas_of(product, 3)
    with time_machine.travel(NOW, tick=False):
        fan = UserFactory(date_joined=timezone.now() - timedelta(hours=23))
        for idea in ideas[:2]:
            voting.toggle_vote(idea=idea, user=fan)
        with pytest.raises(LimitReached):
            voting.toggle_vote(idea=ideas[2], user=fan)


def test_taking_a_vote_back_is_allowed_at_the_cap(caps, product):
    fan, ideas = UserFactory(), ideas_of(product, 3)
    for idea in ideas:
        voting.toggle_vote(idea=idea, user=fan)
    assert voting.toggle_vote(idea=ideas[0], user=fan) is False


def test_moderators_are_exempt_from_the_vote_cap(caps, product):
    moderator, ideas = UserFactory(roles=[Role.MODERATOR]), ideas_of(product, 4)
    for idea in ideas:
        assert voting.toggle_vote(idea=idea, user=moderator) is True


def test_proposing_over_the_daily_thread_cap_answers_429_and_keeps_the_form(client, caps, product, fan):
    area = FeatureAreaFactory(product=product)
    url = reverse("ideas:propose", args=[product.slug])
    with time_machine.travel(NOW, tick=False) as clock:
        for i in range(3):
            assert (
                client.post(
                    url, {"title": f"My idea number {i}", "area": area.pk, "source": f"text {i}", "confirmed": "on"}
                ).status_code
                == 302
            )
            clock.shift(60)
        response = client.post(
            url, {"title": "One idea too many", "area": area.pk, "source": "my long text", "confirmed": "on"}
        )
    assert response.status_code == 429 and int(response["Retry-After"]) == DAY - 3 * 60
    assert response.context["form"]["title"].value() == "One idea too many"
    assert response.context["form"]["source"].value() == "my long text"
    assert Idea.objects.filter(thread__author=fan).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_cannot_both_take_the_last_place(caps, product):
    fan, ideas = UserFactory(), ideas_of(product, 4)
    for idea in ideas[:2]:
        voting.toggle_vote(idea=idea, user=fan)

    def last_place(idea):
        try:
            return voting.toggle_vote(idea=idea, user=fan)
        except LimitReached:
            return None

    results = run_at_once([lambda: last_place(ideas[2]), lambda: last_place(ideas[3])])
    assert results.count(True) == 1
    assert IdeaVote.objects.filter(user=fan).count() == 3
