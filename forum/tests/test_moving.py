"""Moving a thread: the moderator chooses the board from a list of those they may read, grouped by parent
board; a board not listed is a form error, never a 500."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation
from forum.models import ModerationAction, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def mod(client):
    user = UserFactory(username="mod", roles=[Role.MODERATOR])
    client.force_login(user)
    return user


def test_the_move_page_lists_the_boards_grouped_by_parent(client, mod):
    phones = BoardFactory(name="Phones")
    BoardFactory(name="Camera talk", parent=phones)
    BoardFactory(name="Meetups")
    thread = make_thread(board=phones)
    response = client.get(reverse("forum:move_thread", args=[thread.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<select name="board"' in html and 'name="board" maxlength' not in html  # no slug to type
    phones_group = html[html.index('<optgroup label="Phones">') :]
    phones_group = phones_group[: phones_group.index("</optgroup>")]
    assert "Camera talk" in phones_group and "Meetups" not in phones_group
    assert f'value="{phones.pk}" selected' in phones_group  # where it is now
    assert '<optgroup label="Meetups">' in html


def test_the_thread_page_links_moderators_to_the_move_page(client, mod):
    thread = make_thread()
    assert reverse("forum:move_thread", args=[thread.pk]) in client.get(thread.get_absolute_url()).content.decode()


def test_a_board_the_moderator_may_not_read_is_neither_listed_nor_accepted(client, mod):
    secret = BoardFactory(name="Admins only", read_roles=[Group.objects.get(name=Role.ADMIN)])
    thread = make_thread()
    assert "Admins only" not in client.get(reverse("forum:move_thread", args=[thread.pk])).content.decode()
    response = client.post(reverse("forum:move_thread", args=[thread.pk]), {"board": secret.pk})
    assert response.status_code == 400
    assert "Choose one of the boards listed." in response.content.decode()
    assert Thread.objects.get(pk=thread.pk).board_id != secret.pk and not ModerationAction.objects.exists()


@pytest.mark.parametrize("board", ["999999", "general", "", "1 OR 1=1"])
def test_a_board_that_is_not_an_id_listed_is_a_form_error(client, mod, board):
    thread = make_thread()
    response = client.post(reverse("forum:move_thread", args=[thread.pk]), {"board": board})
    assert response.status_code == 400
    assert Thread.objects.get(pk=thread.pk).board_id == thread.board_id


def test_moving_refuses_a_board_the_moderator_may_not_read(mod):
    secret = BoardFactory(read_roles=[Group.objects.get(name=Role.ADMIN)])
    thread = make_thread()
    with pytest.raises(moderation.ModerationRefused):
        moderation.move_thread(thread=thread, moderator=mod, board=secret)
    assert Thread.objects.get(pk=thread.pk).board_id == thread.board_id


def test_fans_cannot_open_the_move_page(client):
    thread = make_thread()
    client.force_login(UserFactory())
    assert client.get(reverse("forum:move_thread", args=[thread.pk])).status_code == 403


def test_the_moderation_log_names_the_boards_a_thread_moved_between(client, mod):
    thread = make_thread(board=BoardFactory(name="Feedback", slug="feedback"))
    moderation.move_thread(thread=thread, moderator=mod, board=BoardFactory(name="Photography", slug="photos"))
    assert ModerationAction.objects.get(thread=thread).detail == "Feedback → Photography"
