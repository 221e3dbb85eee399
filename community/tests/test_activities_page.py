"""The activities page: open and upcoming quizzes and teasers, linked from the header, in a constant
number of queries."""

import pytest
from django.urls import reverse

from guesses.tests.factories import make_teaser
from meetups.tests.factories import make_meetup
from quiz.tests.factories import make_quiz
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def test_the_header_links_to_the_activities_page(client, fan):
    assert f'href="{reverse("activities")}"' in client.get(reverse("home")).content.decode()


def test_open_quizzes_teasers_and_meetups_are_listed_but_not_drafts(client, fan, in_english):
    make_quiz(title="Know your Nova")
    make_quiz(title="Draft quiz", published=False)
    make_teaser(title="What folds?")
    make_meetup(title="Popcorn in Shenzhen")
    html = client.get(reverse("activities")).content.decode()
    assert "Know your Nova" in html and "What folds?" in html and "Popcorn in Shenzhen" in html
    assert "Draft quiz" not in html
    assert "<title>Activities · Canyu</title>" in html


@pytest.mark.parametrize("each", [1, 5])
def test_the_page_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings, each):
    for n in range(each):
        make_quiz()
        make_teaser()
        make_meetup(title=f"Meetup {n}")
    client.get(reverse("activities"))
    # (session,) quizzes, the reader's attempts, teasers, the reader's guesses, meetups + cities,
    # the reader's answers to them
    with django_assert_num_queries(6 + session_queries(settings)):
        assert client.get(reverse("activities")).status_code == 200
