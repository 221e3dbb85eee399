"""The same text posted again by the same person within FORUM_DUPLICATE_SECONDS is refused."""

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import posting
from forum.models import Post, Thread
from forum.tests.factories import BoardFactory, make_thread
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+08:00"


def reply(client, thread, text):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"source": text})


def test_the_same_reply_again_is_refused_with_a_form_error_keeping_the_text(client, in_english):
    thread, fan = make_thread(), UserFactory()
    client.force_login(fan)
    with time_machine.travel(NOW, tick=False) as clock:
        assert reply(client, thread, "Great release, thanks!").status_code == 302
        clock.shift(10)
        response = reply(client, thread, "Great release, thanks!")
    assert response.status_code == 400
    assert (
        "You posted this same text a moment ago. Please write something new, or post it again in 5 minutes."
        in response.context["form"].non_field_errors()
    )
    assert response.context["form"]["source"].value() == "Great release, thanks!"
    assert Post.objects.filter(author=fan).count() == 1


@pytest.mark.parametrize(
    "again", ["great release,   THANKS!", "Great release,\nthanks!\n", "Ｇｒｅａｔ release, thanks！"]
)
def test_spaces_case_and_full_width_forms_do_not_make_a_text_new(again):
    thread, fan = make_thread(), UserFactory()
    with time_machine.travel(NOW, tick=False) as clock:
        posting.reply(thread=thread, author=fan, source="Great release, thanks!")
        clock.shift(10)
        with pytest.raises(posting.PostingRefused):
            posting.reply(thread=thread, author=fan, source=again)


def test_the_same_text_is_allowed_again_after_5_minutes_to_the_second():
    thread, fan = make_thread(), UserFactory()
    with time_machine.travel(NOW, tick=False) as clock:
        posting.reply(thread=thread, author=fan, source="Bump: any news?")
        clock.shift(299)
        with pytest.raises(posting.PostingRefused):
            posting.reply(thread=thread, author=fan, source="Bump: any news?")
        clock.shift(1)
        posting.reply(thread=thread, author=fan, source="Bump: any news?")
    assert Post.objects.filter(author=fan, source="Bump: any news?").count() == 2


def test_a_new_threads_first_post_repeating_a_reply_is_refused(client):
    thread, fan = make_thread(), UserFactory()
    board = BoardFactory()
    with time_machine.travel(NOW, tick=False):
        posting.reply(thread=thread, author=fan, source="Buy cheap phones at spam.example")
        with pytest.raises(posting.PostingRefused):
            posting.start_thread(
                board=board, author=fan, title="Cheap phones", source="Buy cheap phones at spam.example"
            )
    assert not Thread.objects.filter(board=board).exists()


def test_another_person_may_post_the_same_text():
    thread = make_thread()
    with time_machine.travel(NOW, tick=False):
        posting.reply(thread=thread, author=UserFactory(), source="+1")
        posting.reply(thread=thread, author=UserFactory(), source="+1")
    assert Post.objects.filter(source="+1").count() == 2


def test_a_deleted_post_may_be_posted_again():
    thread, fan = make_thread(), UserFactory()
    with time_machine.travel(NOW, tick=False):
        first = posting.reply(thread=thread, author=fan, source="Posted in the wrong words")
        posting.delete_post(post=first, actor=fan)
        posting.reply(thread=thread, author=fan, source="Posted in the wrong words")
    assert Post.objects.filter(author=fan, deleted_at=None).count() == 1


def test_moderators_may_post_the_same_note_in_several_threads():
    moderator = UserFactory(roles=[Role.MODERATOR])
    with time_machine.travel(NOW, tick=False):
        for thread in (make_thread(), make_thread()):
            posting.reply(thread=thread, author=moderator, source="Locked: please keep to the topic.")
    assert Post.objects.filter(author=moderator).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_text_sent_twice_at_once_is_saved_once():
    fan = UserFactory()
    # Two threads in two boards: nothing but the author's row orders the two posts.
    threads = [make_thread(board=BoardFactory()), make_thread(board=BoardFactory())]

    def send(thread):
        try:
            return posting.reply(thread=thread, author=fan, source="Is the update out yet?")
        except posting.PostingRefused:
            return None

    results = run_at_once([lambda: send(threads[0]), lambda: send(threads[1])])
    assert sum(result is not None for result in results) == 1
    assert Post.objects.filter(author=fan).count() == 1
