"""The home page's discussions: hot threads (most replies in the last two days), the latest threads
and the open polls, from the boards the reader may read only (community.home)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import posting
from forum.tests.factories import BoardFactory
from ideas.tests.factories import make_idea, make_pm
from polls import polling

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold_cache():
    cache.clear()  # the lists are cached for a minute


def home(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def section(html, css_class):
    start = html.index(f'class="thread-list {css_class}"')
    return html[start : html.index("</ul>", start)]


def thread_with_replies(board, title, replies):
    thread = posting.add_thread(board=board, author=UserFactory(), title=title, source="First.", spam_limits=False)
    for i in range(replies):
        posting.reply(thread=thread, author=UserFactory(), source=f"Reply {i}.")
    return thread


def test_hot_threads_are_those_with_most_replies_in_the_last_two_days(client):
    board = BoardFactory()
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        thread_with_replies(board, "Old but busy thread", 5)
    thread_with_replies(board, "Busy thread today", 3)
    thread_with_replies(board, "Quiet thread today", 1)
    thread_with_replies(board, "Thread nobody answered", 0)
    hot = section(home(client), "hot-threads")
    assert hot.index("Busy thread today") < hot.index("Quiet thread today")
    assert "3 replies in two days" in hot
    assert "Old but busy thread" not in hot and "Thread nobody answered" not in hot


def test_the_latest_threads_come_newest_first(client):
    board = BoardFactory()
    thread_with_replies(board, "Older thread", 0)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        thread_with_replies(board, "Newer thread", 0)
        latest = section(home(client), "latest-threads")
    assert latest.index("Newer thread") < latest.index("Older thread")


def test_threads_of_a_board_the_reader_may_not_read_are_not_listed(client):
    staff_room = BoardFactory(read_roles=[Group.objects.get(name=Role.MODERATOR.value)])
    thread_with_replies(staff_room, "Staff only plans", 2)
    thread_with_replies(BoardFactory(), "Public chat", 2)
    html = home(client)
    assert "Public chat" in html and "Staff only plans" not in html
    cache.clear()
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert "Staff only plans" in home(client)


def test_a_fan_does_not_get_the_lists_cached_for_a_moderator(client):
    staff_room = BoardFactory(read_roles=[Group.objects.get(name=Role.MODERATOR.value)])
    thread_with_replies(staff_room, "Staff only plans", 2)
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert "Staff only plans" in home(client)
    client.force_login(UserFactory())
    assert "Staff only plans" not in home(client)


def test_open_polls_are_listed_closed_ones_are_not(client):
    board = BoardFactory(holds_ideas=True)
    thread = make_idea(board=board).thread
    polling.open_poll(
        thread=thread,
        by=make_pm(),
        question="Which colour next?",
        choice="single",
        results="after_close",
        closes_at=timezone.now() + timedelta(days=2),
        labels=("Red", "Blue"),
    )
    closed = polling.open_poll(
        thread=thread,
        by=make_pm(),
        question="Which size next?",
        choice="single",
        results="after_close",
        closes_at=timezone.now() + timedelta(days=2),
        labels=("S", "L"),
    )
    polling.close_poll(poll=closed)
    html = section(home(client), "open-polls")
    assert "Which colour next?" in html and "Which size next?" not in html
