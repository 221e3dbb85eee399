"""The board and thread pages run a fixed number of queries, whatever the
number of threads, posts, likes and authors."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking, pagecache
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
    # the thread's entry (forum.access: read roles and page versions), thread+board (its read rules are
    # the entry's: forum.access.thread_of_entry), posts+authors, authors' roles (badges); the floors fans
    # do not see (in place of a count) only when the thread's counters say some are
    # (forum.pages.has_unseen_posts)
    with django_assert_num_queries(4):
        client.get(thread.get_absolute_url())


def test_thread_page_queries_signed_in(client, django_assert_num_queries, settings):
    thread = grow_thread(30)
    client.force_login(UserFactory())
    # The first signed-in view builds the shell (forum.shells): session (none
    # with Redis: cached_db), the thread's entry, user, viewer's groups and whether
    # they moderate in one query (kept as the viewer's roles), thread+board (its read
    # rules are the entry's: forum.access.thread_of_entry), posts+authors, authors'
    # roles (badges); no unseen floors (none, by the thread's counters) and no likes
    # (the shell is everyone's); then the viewer's own parts: likes + follow + read
    # mark in one query, the read mark's INSERT (first visit), the header's unread
    # count (cached afterwards).
    with django_assert_num_queries(9 + session_queries(settings)):
        client.get(thread.get_absolute_url())


# Once the shell is built and the reader's own state kept (forum.shells), and
# the user kept (accounts.usercache): the page's entry (forum.access: who may
# read it and its versions) and, without Redis (cached_db sessions), the
# session, whatever the page's size.
@pytest.mark.parametrize("grow", [lambda: grow_thread(30), lambda: grow_board(25)], ids=["thread", "board"])
def test_pages_from_their_shells_run_one_query_but_the_session(client, django_assert_num_queries, settings, grow):
    url = grow().get_absolute_url()
    client.force_login(UserFactory())
    client.get(url)  # builds the shell; on a thread, the first read mark moves
    client.get(url)  # keeps the reader's likes, follow and read mark
    with django_assert_num_queries(1 + session_queries(settings)):
        client.get(url)


@pytest.mark.parametrize("grow", [lambda: grow_thread(30), lambda: grow_board(25)], ids=["thread", "board"])
def test_the_readers_own_state_is_one_query_when_not_kept(client, django_assert_num_queries, settings, grow):
    url = grow().get_absolute_url()
    client.force_login(UserFactory())
    client.get(url)
    client.get(url)
    pagecache.forget(scopes=[("reader", int(client.session["_auth_user_id"]))])  # as a like or follow does
    # session, the entry, likes + follow + read mark (thread) or the read marks (board)
    with django_assert_num_queries(2 + session_queries(settings)):
        client.get(url)


def test_another_reader_gets_the_thread_from_the_shell(django_assert_num_queries, settings):
    thread = grow_thread(30)
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    first.get(thread.get_absolute_url())
    # session, the thread's entry, user, their groups and whether they moderate (their
    # roles, one query, cached afterwards), likes + follow + read mark, the mark's INSERT,
    # unread count
    with django_assert_num_queries(6 + session_queries(settings)):
        second.get(thread.get_absolute_url())


@pytest.mark.parametrize("page_of", ["thread", "board"])
def test_pages_from_their_shells_run_as_many_queries_whatever_their_size(client, settings, page_of):
    client.force_login(UserFactory())
    small, large = (grow_thread(1), grow_thread(30)) if page_of == "thread" else (grow_board(1), grow_board(25))
    counts = []
    for url in (small.get_absolute_url(), large.get_absolute_url()):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_board_page_queries_anonymous(client, django_assert_num_queries):
    board = grow_board(25)
    # the board's entry (read roles and versions), board+parent, read roles, start roles, its hidden threads
    # (the page count is the board's less those), threads+authors+last posters
    with django_assert_num_queries(6):
        client.get(board.get_absolute_url())


def test_board_page_queries_signed_in(client, django_assert_num_queries, settings):
    board = grow_board(25)
    client.force_login(UserFactory())
    # The first signed-in view builds the shell (forum.shells): session (none
    # with Redis: cached_db), the board's entry, user, viewer's groups and whether
    # they moderate in one query (kept as the viewer's roles), board+parent, read
    # roles, start roles, count, threads+authors+last posters with the builder's
    # read marks; then the viewer's read marks of the page's threads, the header's
    # unread notification count (cached afterwards).
    with django_assert_num_queries(10 + session_queries(settings)):
        client.get(board.get_absolute_url())
