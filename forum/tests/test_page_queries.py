"""The board and thread pages run a fixed number of queries, whatever the
number of threads, posts, likes and authors."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking
from forum.tests.factories import BoardFactory, make_thread
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    cache.clear()  # each view starts cold: the header's unread count is cached per user
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_thread(size):
    authors = [UserFactory(roles=[Role.ENGINEER]) for _ in range(min(size, 5))]
    thread = make_thread(replies=size - 1, repliers=authors)
    for post in thread.posts.all()[:size]:
        for fan in authors:
            if fan.pk != post.author_id:
                liking.toggle_like(post=post, user=fan)
    return thread


def grow_board(size):
    board = BoardFactory()
    for i in range(size):
        make_thread(board=board, author=UserFactory(), title=f"Thread number {i}", replies=1)
    return board


@pytest.mark.parametrize("signed_in", [False, True])
def test_thread_page_query_count_does_not_grow(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    small, large = grow_thread(1), grow_thread(30)
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())


@pytest.mark.parametrize("signed_in", [False, True])
def test_board_page_query_count_does_not_grow(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    small, large = grow_board(1), grow_board(25)
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())


def test_thread_page_queries_anonymous(client, django_assert_num_queries):
    thread = grow_thread(30)
    # thread+board, board read roles, board start roles, count, posts+authors, authors' roles (badges)
    with django_assert_num_queries(6):
        client.get(thread.get_absolute_url())


def test_thread_page_queries_signed_in(client, django_assert_num_queries, settings):
    thread = grow_thread(30)
    client.force_login(UserFactory())
    # session (none with Redis: cached_db), user, thread+board, read roles,
    # start roles, viewer's user and group permissions (is he a moderator?),
    # count, posts+authors, authors' roles (badges), viewer's likes, read mark
    # SELECT + INSERT (first visit), does the viewer follow the thread, header's
    # unread notification count (cached afterwards)
    with django_assert_num_queries(14 + session_queries(settings)):
        client.get(thread.get_absolute_url())


def test_board_page_queries_anonymous(client, django_assert_num_queries):
    board = grow_board(25)
    # board+parent, read roles, start roles, count, threads+authors+last posters
    with django_assert_num_queries(5):
        client.get(board.get_absolute_url())


def test_board_page_queries_signed_in(client, django_assert_num_queries, settings):
    board = grow_board(25)
    client.force_login(UserFactory())
    # session (none with Redis: cached_db), user, board+parent, read roles,
    # start roles, viewer's user and group permissions (is he a moderator?),
    # count, threads+authors+last posters with the viewer's read marks (one
    # query: it was two before the marks came as a subquery), header's unread
    # notification count (cached afterwards)
    with django_assert_num_queries(9 + session_queries(settings)):
        client.get(board.get_absolute_url())
