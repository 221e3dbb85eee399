"""A reply changes the copies of the pages it changes only, and while one process rebuilds a page the
others serve its last copy for a bounded time, never after a change of who may see what (forum.pagecache)."""

import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking, moderation, posting
from forum.tests.factories import make_thread

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.mark.django_db
def test_a_reply_leaves_the_copies_of_the_pages_before_the_last_one_fresh(client, django_assert_num_queries):
    thread = make_thread(replies=24)  # 25 posts: page 2 shows 5
    first, last = thread.get_absolute_url(), thread.get_absolute_url() + "?page=2"
    page_one, page_two = client.get(first).content, client.get(last).content
    posting.reply(thread=thread, author=UserFactory(), source="The newest reply")
    with django_assert_num_queries(1):  # the entry: page 1 is its copy
        assert client.get(first).content == page_one
    assert client.get(last).content != page_two
    assert "The newest reply" in client.get(last).content.decode()


@pytest.mark.django_db
def test_a_reply_that_starts_a_page_shows_the_new_page_count_on_every_page(client):
    thread = make_thread(replies=19)  # 20 posts: one page
    assert "?page=2" not in client.get(thread.get_absolute_url()).content.decode()
    posting.reply(thread=thread, author=UserFactory(), source="The twenty-first post")
    assert "?page=2" in client.get(thread.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_like_or_an_edit_changes_the_page_that_shows_the_post_only(client, django_assert_num_queries):
    thread = make_thread(replies=44)  # 45 posts: pages of 20, 20 and 5
    urls = [thread.get_absolute_url() + f"?page={number}" for number in (1, 2, 3)]
    before = [client.get(url).content for url in urls]
    post = thread.posts.get(floor=25)  # on page 2
    liking.toggle_like(post=post, user=UserFactory())
    for number in (1, 3):
        with django_assert_num_queries(1):  # the entry: the copy
            assert client.get(urls[number - 1]).content == before[number - 1]
    assert client.get(urls[1]).content != before[1]
    posting.edit_post(post=thread.posts.get(floor=3), editor=thread.author, source="Edited on page one")
    assert "Edited on page one" in client.get(urls[0]).content.decode()
    with django_assert_num_queries(1):
        client.get(urls[2])


@pytest.mark.django_db
def test_with_posts_hidden_before_it_a_liked_post_moves_every_page_it_may_be_on(client):
    thread = make_thread(replies=44)
    moderator = UserFactory(roles=[Role.MODERATOR])
    for floor in (2, 3):  # page 1 now shows floors 1 and 4–22; page 2 floors 23–42
        moderation.set_post_hidden(post=thread.posts.get(floor=floor), moderator=moderator, hidden=True)
    page_one = thread.get_absolute_url()
    liked = thread.posts.get(floor=22)  # bucket 1 (floors 21–40), shown on page 1
    assert "♥ 0" in article(client.get(page_one).content.decode(), liked)
    liking.toggle_like(post=liked, user=UserFactory())
    assert "♥ 1" in article(client.get(page_one).content.decode(), liked)


def article(html: str, post) -> str:
    return html.split(f'id="p{post.pk}"', 1)[1].split("</article>", 1)[0]


# --- One rebuild at a time --------------------------------------------------------


class PausedBuild:
    """A reader's request in another thread, held before its second query (its build's first, after the
    entry) until ``finish``: meanwhile it holds the page's rebuild."""

    def __init__(self, url: str):
        self.url, self.paused, self.go, self.response = url, threading.Event(), threading.Event(), None
        self.worker = threading.Thread(target=self._run)

    def _run(self):
        seen = [0]

        def wrapper(execute, sql, params, many, context):
            seen[0] += 1
            if seen[0] == 2:
                self.paused.set()
                self.go.wait(timeout=30)
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(wrapper):
                self.response = Client().get(self.url)
        finally:
            self.paused.set()
            connections.close_all()

    def __enter__(self):
        self.worker.start()
        assert self.paused.wait(timeout=30)
        return self

    def __exit__(self, *exc):
        self.go.set()
        self.worker.join(timeout=30)


@pytest.fixture
def on_postgresql():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises the readers' queries; tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("on_postgresql")
def test_while_a_page_is_rebuilt_after_a_reply_others_get_its_last_copy(django_assert_num_queries):
    thread = make_thread(replies=1)
    url = thread.get_absolute_url()
    before = Client().get(url).content
    posting.reply(thread=thread, author=UserFactory(), source="A reply being built")
    with PausedBuild(url) as build, django_assert_num_queries(1):  # the entry; the copy is served, no second build
        assert Client().get(url).content == before
    assert "A reply being built" in build.response.content.decode()
    assert "A reply being built" in Client().get(url).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("on_postgresql")
def test_a_copy_older_than_the_bound_is_not_served_while_the_page_is_rebuilt(settings):
    with time_machine.travel("2026-12-04 09:00:00+00:00", tick=False) as clock:
        thread = make_thread(replies=1)
        url = thread.get_absolute_url()
        Client().get(url)
        posting.reply(thread=thread, author=UserFactory(), source="A reply being built")
        clock.shift(settings.FORUM_PAGE_STALE_SECONDS)
        with PausedBuild(url):
            assert "A reply being built" in Client().get(url).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("on_postgresql")
def test_no_copy_is_served_meanwhile_after_a_post_is_hidden():
    thread = make_thread(replies=2)
    url = thread.get_absolute_url()
    Client().get(url)
    posting.reply(thread=thread, author=UserFactory(), source="A reply being built")
    with PausedBuild(url):  # rebuilding after the reply
        moderation.set_post_hidden(
            post=thread.posts.order_by("id")[2], hidden=True, moderator=UserFactory(roles=[Role.MODERATOR])
        )
        html = Client().get(url).content.decode()
    assert "Reply 1" in html and "Reply 2" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("on_postgresql")
def test_no_copy_is_served_meanwhile_after_the_thread_is_hidden():
    thread = make_thread(replies=1)
    url = thread.get_absolute_url()
    Client().get(url)
    posting.reply(thread=thread, author=UserFactory(), source="A reply being built")
    with PausedBuild(url):
        moderation.set_thread_flag(thread=thread, kind="hide_thread", moderator=UserFactory(roles=[Role.MODERATOR]))
        assert Client().get(url).status_code == 404
