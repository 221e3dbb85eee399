"""An idea's box follows the idea, not the board: a moderator moving an idea's thread to a board that does not
hold ideas keeps its box there, for every kind of reader, at no query on threads without an idea."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation
from forum.tests.factories import BoardFactory, make_thread
from ideas.tests.factories import ideas_product, propose

pytestmark = pytest.mark.django_db


def reader(kind) -> Client:
    client = Client()
    if kind != "anonymous":
        client.force_login(UserFactory(roles=[Role.MODERATOR] if kind == "moderator" else []))
    return client


@pytest.mark.parametrize("kind", ["anonymous", "fan", "moderator"])
def test_a_moved_idea_thread_keeps_its_idea_box(kind):
    idea = propose(ideas_product(), title="Lunar calendar on the lock screen", votes=[UserFactory()])
    elsewhere = BoardFactory(name="General chat")
    moderation.move_thread(thread=idea.thread, moderator=UserFactory(roles=[Role.MODERATOR]), board=elsewhere)
    page = reader(kind).get(idea.thread.get_absolute_url()).content.decode()
    assert 'class="idea-panel' in page and "General chat" in page


def test_an_ordinary_thread_still_costs_no_query_for_the_idea_box(client, django_assert_num_queries):
    propose(ideas_product(), title="An idea elsewhere")
    thread = make_thread(board=BoardFactory())
    with django_assert_num_queries(4):  # as forum.tests.test_page_queries pins it
        response = client.get(thread.get_absolute_url())
    assert 'class="idea-panel' not in response.content.decode()
