"""A locked thread offers a reply box only to those who may still reply: moderators. Fans' shared shells,
anonymous pages and a refused reply show none."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation
from forum.models import Post
from forum.tests.factories import make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

REPLY_BOX = 'id="reply"'


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mod():
    return UserFactory(roles=[Role.MODERATOR])


def locked_thread(mod):
    thread = make_thread()
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="lock")
    return thread


@pytest.mark.parametrize("first", ["moderator", "fan"])
def test_fans_shells_have_no_reply_box_and_moderators_shells_have_one_whoever_builds_first(mod, first):
    thread = make_thread()
    fan, moderator = signed_in(UserFactory()), signed_in(mod)
    assert REPLY_BOX in fan.get(thread.get_absolute_url()).content.decode()  # a shell cached before the lock
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="lock")
    readers = [moderator, fan] if first == "moderator" else [fan, moderator]
    pages = {reader: reader.get(thread.get_absolute_url()).content.decode() for reader in readers}
    assert REPLY_BOX in pages[moderator]
    assert REPLY_BOX not in pages[fan] and "This thread is locked: no new replies." in pages[fan]
    assert REPLY_BOX not in signed_in(UserFactory()).get(thread.get_absolute_url()).content.decode()


def test_visitors_are_not_asked_to_sign_in_to_reply_to_a_locked_thread(mod):
    thread = make_thread()
    assert "Sign in to reply" in Client().get(thread.get_absolute_url()).content.decode()
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="lock")
    html = Client().get(thread.get_absolute_url()).content.decode()
    assert "Sign in to reply" not in html and "This thread is locked: no new replies." in html


def test_a_reply_refused_by_the_lock_keeps_the_text_but_offers_no_reply_box(mod):
    thread = locked_thread(mod)
    response = signed_in(UserFactory()).post(reverse("forum:reply", args=[thread.pk]), {"source": "Let me in"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This thread is locked: no new replies." in html and "Let me in" in html
    assert f'action="{reverse("forum:reply", args=[thread.pk])}"' not in html and "Post reply" not in html
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_moderator_still_replies_to_a_locked_thread(mod):
    thread = locked_thread(mod)
    response = signed_in(mod).post(reverse("forum:reply", args=[thread.pk]), {"source": "Closing words"})
    assert response.status_code == 302
    assert Post.objects.filter(thread=thread).count() == 2
