import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, posting
from forum.models import ModerationAction, Post, Report, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(client):
    user = UserFactory(username="mod", roles=[Role.MODERATOR])
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "action, field, value",
    [
        ("pin", "pinned", True),
        ("lock", "locked", True),
        ("hide_thread", "hidden", True),
    ],
)
def test_moderators_flag_threads_and_the_action_is_logged(client, mod, action, field, value):
    thread = make_thread()
    response = client.post(reverse("forum:moderate_thread", args=[thread.pk]), {"action": action, "reason": "spam"})
    assert response.status_code == 302
    assert getattr(Thread.objects.get(pk=thread.pk), field) is value
    logged = ModerationAction.objects.get()
    assert (logged.moderator, logged.kind, logged.thread, logged.reason) == (mod, action, thread, "spam")


def test_flagging_twice_logs_once(mod):
    thread = make_thread()
    assert moderation.set_thread_flag(thread=thread, moderator=mod, kind="lock")
    assert not moderation.set_thread_flag(thread=thread, moderator=mod, kind="lock")
    assert ModerationAction.objects.count() == 1


def test_fans_cannot_moderate(client):
    thread = make_thread()
    client.force_login(UserFactory())
    assert client.post(reverse("forum:moderate_thread", args=[thread.pk]), {"action": "lock"}).status_code == 403
    assert not Thread.objects.get(pk=thread.pk).locked


def test_an_unknown_moderation_action_changes_nothing(client, mod):
    thread = make_thread()
    client.post(reverse("forum:moderate_thread", args=[thread.pk]), {"action": "delete_everything"})
    assert not ModerationAction.objects.exists()


def test_moving_a_thread_moves_its_counts(client, mod):
    thread = make_thread(replies=2)
    target = BoardFactory(slug="elsewhere")
    client.post(reverse("forum:move_thread", args=[thread.pk]), {"board": target.pk, "reason": "wrong board"})
    thread.refresh_from_db()
    target.refresh_from_db()
    thread.board.refresh_from_db()
    assert thread.board == target
    assert (target.thread_count, target.post_count) == (1, 3)


def test_a_hidden_thread_is_404_for_fans_and_marked_for_moderators(client, mod):
    thread = make_thread()
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="hide_thread")
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200 and "hidden-note" in response.content.decode()
    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert thread.title not in client.get(thread.board.get_absolute_url()).content.decode()


def test_a_hidden_post_is_invisible_to_fans(client, mod):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("id").last()
    client.post(reverse("forum:moderate_post", args=[reply.pk]), {"action": "hide_post"})
    assert Post.objects.get(pk=reply.pk).hidden
    assert "Reply 1" in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "Reply 1" not in client.get(thread.get_absolute_url()).content.decode()


def test_a_fan_reports_a_post_once(client):
    post = make_thread().posts.get()
    client.force_login(UserFactory())
    url = reverse("forum:report_post", args=[post.pk])
    assert client.post(url, {"reason": "This is spam"}).status_code == 302
    second = client.post(url, {"reason": "Still spam"})
    assert second.status_code == 400
    assert Report.objects.count() == 1


def test_moderators_see_open_reports_and_close_them(client, mod):
    post = make_thread(source="Buy cheap phones").posts.get()
    report = moderation.report_post(post=post, reporter=UserFactory(), reason="advert")
    page = client.get(reverse("forum:report_queue")).content.decode()
    assert "advert" in page and "Buy cheap phones" in page
    client.post(reverse("forum:close_report", args=[report.pk]), {"outcome": "resolved", "reason": "hidden"})
    report.refresh_from_db()
    assert report.state == Report.State.RESOLVED and report.resolved_by == mod
    assert "advert" not in client.get(reverse("forum:report_queue")).content.decode()


def test_the_queue_offers_to_hide_a_reported_post_only_while_it_is_shown(client, mod, in_english):
    post = make_thread(source="Buy cheap phones").posts.get()
    moderation.report_post(post=post, reporter=UserFactory(), reason="advert")
    hide = f'action="{reverse("forum:moderate_post", args=[post.pk])}"'
    page = client.get(reverse("forum:report_queue")).content.decode()
    assert hide in page and "Hide post" in page
    moderation.set_post_hidden(post=post, moderator=mod, hidden=True)
    page = client.get(reverse("forum:report_queue")).content.decode()
    assert hide not in page and "Hide post" not in page
    assert "This post is hidden already." in page and "Close report" in page


def test_the_report_queue_is_for_moderators_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("forum:report_queue")).status_code == 403


def test_staff_see_the_moderation_log(client):
    staff = UserFactory(is_staff=True, roles=[Role.ADMIN])
    thread = make_thread(title="Log me please")
    moderation.set_thread_flag(thread=thread, moderator=staff, kind="pin", reason="important")
    client.force_login(staff)
    page = client.get(reverse("forum:moderation_log")).content.decode()
    assert "Log me please" in page and "important" in page


def test_moderators_see_revisions_and_fans_do_not(client, mod):
    author = UserFactory()
    post = make_thread(author=author, source="v1").posts.get()
    posting.edit_post(post=post, editor=author, source="v2")
    assert "v1" in client.get(reverse("forum:post_revisions", args=[post.pk])).content.decode()
    client.force_login(author)
    assert client.get(reverse("forum:post_revisions", args=[post.pk])).status_code == 403
