"""Marking an idea a duplicate: the product manager searches the product's ideas by title (the idea's own title
at first, or a number) and chooses one from the list; no number to type, and nothing outside the list taken."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from ideas.models import Idea
from ideas.tests.factories import ideas_product, make_pm, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ideas_product(name="MIUI", slug="miui")


@pytest.fixture
def pm(client):
    user = make_pm()
    client.force_login(user)
    return user


def status_url(idea, query=None):
    url = reverse("ideas:status", args=[idea.pk])
    return url if query is None else f"{url}?q={query}"


def choice(idea) -> str:
    return f'name="merge_into" value="{idea.pk}"'


def test_the_status_page_lists_ideas_like_this_one_to_choose_from(client, pm, product):
    older = propose(product, title="Dark mode for the messages app")
    other = propose(product, title="Bigger clock on the lock screen")
    foreign = propose(ideas_product(), title="Dark mode for the messages app")
    idea = propose(product, title="Messages in dark mode please")
    html = client.get(status_url(idea)).content.decode()
    assert 'name="q"' in html and 'value="Messages in dark mode please"' in html
    assert choice(older) in html and "Dark mode for the messages app" in html
    assert choice(other) not in html and choice(foreign) not in html and choice(idea) not in html
    assert 'name="merge_into" type="number"' not in html and 'type="number" name="merge_into"' not in html


def test_a_search_lists_matching_ideas_of_the_same_product_without_javascript(client, pm, product):
    clock = propose(product, title="Bigger clock on the lock screen")
    propose(product, title="Dark mode for the messages app")
    idea = propose(product, title="Messages in dark mode please")
    html = client.get(status_url(idea, "clock")).content.decode()
    assert choice(clock) in html and 'value="clock"' in html
    assert 'action="?q=clock"' in html  # the list survives a refused choice


def test_a_search_by_number_lists_that_idea(client, pm, product):
    target = propose(product, title="Something quite different")
    idea = propose(product, title="Messages in dark mode please")
    assert choice(target) in client.get(status_url(idea, f"%23{target.pk}")).content.decode()


def test_a_search_with_no_match_says_so(client, pm, product, in_english):
    idea = propose(product, title="Messages in dark mode please")
    html = client.get(status_url(idea, "zebra")).content.decode()
    assert "No other idea of this product matches" in html


def test_choosing_an_idea_from_the_list_merges_into_it(client, pm, product):
    kept = propose(product, title="Dark mode for the messages app")
    idea = propose(product, title="Messages in dark mode please", votes=[UserFactory()])
    response = client.post(status_url(idea, "dark mode"), {"seen": "new", "status": "duplicate", "merge_into": kept.pk})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.merged_into_id) == (Idea.Status.DUPLICATE, kept.pk)


def test_an_idea_of_another_product_is_refused_as_a_form_error(client, pm, product):
    foreign = propose(ideas_product(), title="Dark mode for the messages app")
    idea = propose(product, title="Messages in dark mode please")
    response = client.post(status_url(idea), {"seen": "new", "status": "duplicate", "merge_into": foreign.pk})
    assert response.status_code == 400
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.NEW


def test_a_search_too_long_is_a_form_error_not_a_crash(client, pm, product):
    idea = propose(product, title="Messages in dark mode please")
    assert client.get(status_url(idea, "x" * 500)).status_code == 200
