"""A change committing between any two reads of a page request never leaves a page stored or served for
the wrong audience, nor an old copy served as fresh (forum.pagecache).

Each case commits the change, on another connection in another thread, just
before the request's first query, then before its second, and so on past its
last one, and then looks at what readers of the same kind get. The changes
write only to the database (the versions move with the data), so committing
one between two queries also covers every cache read between them.
PostgreSQL only: SQLite serialises the writers the race needs.
"""

import threading
from contextlib import contextmanager
from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, posting
from forum.models import ModerationAction, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def _on_postgresql():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the interleavings are tested on PostgreSQL")


def commit_elsewhere(change) -> None:
    """Run ``change`` on another connection, committed before this returns."""
    errors = []

    def run():
        try:
            change()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the change waited for a lock the request holds"
    if errors:
        raise errors[0]


@contextmanager
def change_before_query(position: int, change):
    """Commits ``change`` just before this connection's query number ``position`` (from 0); yields a list
    that says, afterwards, whether it ran."""
    seen, ran = [0], []

    def wrapper(execute, sql, params, many, context):
        if seen[0] == position and not ran:
            ran.append(True)
            commit_elsewhere(change)
        seen[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield ran
    if not ran:  # past the request's last query: the change commits after it
        ran.append(False)
        commit_elsewhere(change)


def reader(kind: str) -> Client:
    client = Client()
    if kind == "fan":
        client.force_login(UserFactory())
    return client


def move(thread, staff_board):
    moderation.move_thread(
        thread=Thread.objects.get(pk=thread.pk), board=staff_board, moderator=UserFactory(roles=[Role.MODERATOR])
    )


def hide(thread, staff_board):
    moderation.set_thread_flag(
        thread=thread, kind=ModerationAction.Kind.HIDE_THREAD, moderator=UserFactory(roles=[Role.MODERATOR])
    )


def make_staff_only(thread, staff_board):
    thread.board.read_roles.set([Group.objects.get(name=Role.MODERATOR.value)])


VISIBILITY_CHANGES = {"move": move, "hide": hide, "read roles": make_staff_only}


def interleave(kind: str, page: str, change, *, warm: bool, check) -> int:
    """For every position in a request for ``page``: a fresh thread, the change committed there, then
    ``check(thread, client)`` with new readers of ``kind``. Returns how many positions were tried."""
    staff_board = BoardFactory(read_roles=[Group.objects.get(name=Role.MODERATOR.value)])
    position = 0
    while True:
        cache.clear()
        thread = make_thread(title=f"Interleaved thread {position}", replies=2)
        url = thread.get_absolute_url() if page == "thread" else thread.board.get_absolute_url()
        client = reader(kind)
        if warm:
            client.get(url)
            reader(kind).get(url)
        with change_before_query(position, partial(change, thread, staff_board)) as ran:
            client.get(url)
        for _ in range(2):  # a copy built and kept, then a copy found
            check(thread, reader(kind))
            check(thread, client)
        if not ran[0]:
            return position + 1
        position += 1


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("kind", ["anonymous", "fan"])
@pytest.mark.parametrize("change", VISIBILITY_CHANGES)
def test_a_thread_page_is_never_shown_to_readers_a_change_shut_out(kind, change, warm):
    def check(thread, client):
        assert client.get(thread.get_absolute_url()).status_code == 404

    assert interleave(kind, "thread", VISIBILITY_CHANGES[change], warm=warm, check=check) > 1


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("kind", ["anonymous", "fan"])
@pytest.mark.parametrize("change", VISIBILITY_CHANGES)
def test_a_board_page_never_shows_readers_a_thread_a_change_took_away(kind, change, warm):
    def check(thread, client):
        response = client.get(thread.board.get_absolute_url())
        assert response.status_code == 404 or thread.title not in response.content.decode()

    assert interleave(kind, "board", VISIBILITY_CHANGES[change], warm=warm, check=check) > 1


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("kind", ["anonymous", "fan"])
def test_a_hidden_post_is_never_shown_after_the_hide(kind, warm):
    def hide_post(thread, staff_board):
        moderation.set_post_hidden(
            post=thread.posts.order_by("id").last(), hidden=True, moderator=UserFactory(roles=[Role.MODERATOR])
        )

    def check(thread, client):
        html = client.get(thread.get_absolute_url()).content.decode()
        assert "Reply 1" in html and "Reply 2" not in html

    assert interleave(kind, "thread", hide_post, warm=warm, check=check) > 1


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("kind", ["anonymous", "fan"])
def test_a_reply_shows_on_the_next_page_view(kind, warm):
    def reply(thread, staff_board):
        posting.reply(thread=thread, author=UserFactory(), source="A reply from elsewhere")

    def check(thread, client):
        assert "A reply from elsewhere" in client.get(thread.get_absolute_url()).content.decode()

    assert interleave(kind, "thread", reply, warm=warm, check=check) > 1
