"""Anonymous board and thread pages come from the cache, and every change made
through Canyu shows on the next anonymous view."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking, moderation, posting, viewcounts
from forum.models import ModerationAction, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db


def test_second_anonymous_view_of_a_thread_runs_one_query(client, django_assert_num_queries):
    thread = make_thread(replies=3)
    first = client.get(thread.get_absolute_url())
    # the thread's entry: its board's read roles and the versions its pages are kept under (forum.access)
    with django_assert_num_queries(1):
        second = client.get(thread.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content


def test_second_anonymous_view_of_a_board_runs_one_query(client, django_assert_num_queries):
    thread = make_thread()
    client.get(thread.board.get_absolute_url())
    # the board's entry: its read roles and versions
    with django_assert_num_queries(1):
        response = client.get(thread.board.get_absolute_url())
    assert thread.title in response.content.decode()


def test_a_reply_shows_at_once_on_the_cached_thread_and_board(client, django_capture_on_commit_callbacks):
    thread = make_thread()
    client.get(thread.get_absolute_url())
    client.get(thread.board.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        posting.reply(thread=thread, author=UserFactory(display_name="Replier Rui"), source="A brand new reply")
    assert "A brand new reply" in client.get(thread.get_absolute_url()).content.decode()
    assert "Replier Rui" in client.get(thread.board.get_absolute_url()).content.decode()


def test_an_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    thread = make_thread(source="The first words")
    client.get(thread.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        posting.edit_post(post=thread.posts.get(), editor=thread.author, source="The corrected words")
    assert "The corrected words" in client.get(thread.get_absolute_url()).content.decode()


def test_a_like_shows_at_once(client, django_capture_on_commit_callbacks):
    thread = make_thread()
    client.get(thread.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        liking.toggle_like(post=thread.posts.get(), user=UserFactory())
    assert "♥ 1" in client.get(thread.get_absolute_url()).content.decode()


def test_a_hidden_thread_is_gone_for_anonymous_at_once(client, django_capture_on_commit_callbacks):
    thread = make_thread()
    assert client.get(thread.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_thread_flag(
            thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind=ModerationAction.Kind.HIDE_THREAD
        )
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert thread.title not in client.get(thread.board.get_absolute_url()).content.decode()


def test_a_hidden_post_is_gone_for_anonymous_at_once(client, django_capture_on_commit_callbacks):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("id").last()
    assert "Reply 1" in client.get(thread.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.set_post_hidden(post=reply, moderator=UserFactory(roles=[Role.MODERATOR]), hidden=True)
    assert "Reply 1" not in client.get(thread.get_absolute_url()).content.decode()


def test_a_board_made_staff_only_is_gone_for_anonymous_at_once(client, django_capture_on_commit_callbacks):
    thread = make_thread()
    assert client.get(thread.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        thread.board.read_roles.set([Group.objects.get(name=Role.MODERATOR)])
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_a_moved_thread_leaves_the_old_board_page(client, django_capture_on_commit_callbacks):
    thread = make_thread(title="Moving thread")
    old_board, new_board = thread.board, BoardFactory()
    assert "Moving thread" in client.get(old_board.get_absolute_url()).content.decode()
    client.get(new_board.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        moderation.move_thread(
            thread=Thread.objects.get(pk=thread.pk), moderator=UserFactory(roles=[Role.MODERATOR]), board=new_board
        )
    assert "Moving thread" not in client.get(old_board.get_absolute_url()).content.decode()
    assert "Moving thread" in client.get(new_board.get_absolute_url()).content.decode()


def test_signed_in_fans_get_their_own_page_not_the_anonymous_one(client, fan):
    thread = make_thread()
    Client().get(thread.get_absolute_url())  # an anonymous visitor fills the cache
    response = client.get(thread.get_absolute_url())
    assert f'formaction="/p/{thread.posts.get().pk}/like/"' in response.content.decode()


def test_each_language_has_its_own_cached_page(client):
    thread = make_thread()
    chinese = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = Client().get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "论坛" in chinese
    assert ">Forum<" in english


def test_other_query_strings_are_not_cached(client, django_assert_max_num_queries):
    thread = make_thread()
    client.get(thread.get_absolute_url() + "?utm=x")
    with django_assert_max_num_queries(10) as queries:
        client.get(thread.get_absolute_url() + "?utm=x")
    assert len(queries) > 0


def test_cached_views_still_count(client):
    viewcounts.flush_views()  # views other tests left in the process buffer
    thread = make_thread()
    client.get(thread.get_absolute_url())
    client.get(thread.get_absolute_url())
    viewcounts.flush_views()
    thread.refresh_from_db()
    assert thread.view_count == 2


def test_cached_pages_carry_no_csrf_token(client):
    thread = make_thread()
    response = client.get(thread.get_absolute_url())
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies


def test_page_cache_can_be_turned_off(client, settings, django_assert_max_num_queries):
    settings.FORUM_PAGE_CACHE_SECONDS = 0
    thread = make_thread()
    client.get(thread.get_absolute_url())
    with django_assert_max_num_queries(10) as queries:
        client.get(thread.get_absolute_url())
    assert len(queries) > 0


def test_anonymous_language_switch_needs_no_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "en", "next": "/forum/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_signed_in_language_switch_still_needs_the_token(db):
    user = UserFactory(language="zh-hans")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/language/", {"language": "en", "next": "/forum/"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.language == "zh-hans"
