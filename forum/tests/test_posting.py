import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.models import Board, Post, PostRevision, Thread
from forum.tests.factories import BoardFactory, make_thread

pytestmark = pytest.mark.django_db


def test_starting_a_thread_creates_its_first_post_and_counts(client, fan):
    board = BoardFactory()
    response = client.post(
        reverse("forum:new_thread", args=[board.slug]), {"title": "我的第一个帖子", "source": "**你好** @ada"}
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response.url == thread.get_absolute_url()
    post = thread.posts.get()
    assert "<strong>你好</strong>" in post.html and 'href="/u/ada/"' in post.html
    board.refresh_from_db()
    fan.refresh_from_db()
    assert (board.thread_count, board.post_count, fan.post_count) == (1, 1, 1)


@pytest.mark.parametrize("title, code", [("abc", "min_length"), ("x" * 121, "max_length"), ("", "required")])
def test_bad_titles_are_refused_and_the_text_kept(client, fan, title, code):
    board = BoardFactory()
    response = client.post(reverse("forum:new_thread", args=[board.slug]), {"title": title, "source": "Kept text"})
    assert response.status_code == 400
    assert response.context["form"].has_error("title", code)
    assert "Kept text" in response.content.decode()
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    "title, code",
    [
        ("\u202egnp.exe a new camera", "invisible_character"),  # a bidi override turns the rest around
        ("\u200b\u200b\u200b\u200b\u200b", "invisible_character"),  # zero-width spaces only
        ("\u2800\u2800\u2800\u2800\u2800", "blank"),  # blank Braille: nothing to read
        ("Title with a NUL\x00", "null_characters_not_allowed"),  # PostgreSQL refuses NUL
    ],
)
def test_invisible_and_direction_characters_in_a_title_are_refused_and_the_text_kept(client, fan, title, code):
    board = BoardFactory()
    response = client.post(reverse("forum:new_thread", args=[board.slug]), {"title": title, "source": "Kept text"})
    assert response.status_code == 400
    assert response.context["form"].has_error("title", code)
    assert "Kept text" in response.content.decode()
    assert not Thread.objects.exists()


def test_a_title_is_stored_normalised(client, fan):
    board = BoardFactory()
    client.post(reverse("forum:new_thread", args=[board.slug]), {"title": "  Cafe\u0301 au lait ", "source": "Text"})
    assert Thread.objects.get().title == "Café au lait"


def test_a_nul_in_a_post_is_a_form_error_and_nothing_is_written(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Hello\x00world"})
    assert response.status_code == 400
    assert response.context["form"].has_error("source", "null_characters_not_allowed")
    assert thread.posts.count() == 1


def test_a_post_over_20000_characters_is_refused(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "长" * 20_001})
    assert response.status_code == 400
    assert response.context["form"].has_error("source", "max_length")
    assert thread.posts.count() == 1


def test_a_post_of_exactly_20000_characters_is_accepted(client, fan):
    thread = make_thread()
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "长" * 20_000})
    assert response.status_code == 302
    assert thread.posts.count() == 2


def test_replying_moves_counters_and_last_activity(client, fan):
    thread = make_thread()
    client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Me too"})
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_poster == fan
    assert Board.objects.get(pk=thread.board_id).post_count == 2


def test_a_locked_thread_refuses_replies_and_keeps_the_text(client, fan):
    thread = make_thread()
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Let me in"})
    assert response.status_code == 400
    assert "Let me in" in response.content.decode()
    assert thread.posts.count() == 1
    assert Thread.objects.get(pk=thread.pk).reply_count == 0


def test_only_allowed_roles_start_threads_in_announcements(client, fan):
    admins = Group.objects.get(name=Role.ADMIN.value)
    board = BoardFactory(slug="announcements", start_roles=[admins])
    response = client.post(reverse("forum:new_thread", args=[board.slug]), {"title": "Hello all", "source": "x"})
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_everyone_may_reply_in_announcements(client, fan):
    admins = Group.objects.get(name=Role.ADMIN.value)
    board = BoardFactory(start_roles=[admins])
    thread = make_thread(board=board, author=UserFactory(roles=[Role.ADMIN]))
    assert client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Thanks!"}).status_code == 302


def test_a_staff_only_board_is_404_for_fans_and_anonymous(client):
    moderators = Group.objects.get(name=Role.MODERATOR.value)
    board = BoardFactory(read_roles=[moderators])
    thread = make_thread(board=board, author=UserFactory(roles=[Role.MODERATOR]))
    for url in (board.get_absolute_url(), thread.get_absolute_url()):
        assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    for url in (board.get_absolute_url(), thread.get_absolute_url()):
        assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_editing_keeps_a_revision_and_marks_the_post(client, fan):
    thread = make_thread(author=fan, source="Old text")
    post = thread.posts.get()
    response = client.post(reverse("forum:edit_post", args=[post.pk]), {"source": "New text"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.source == "New text" and post.edited_at is not None
    assert list(PostRevision.objects.values_list("source", flat=True)) == ["Old text"]


def test_editing_another_users_post_is_403(client, fan):
    post = make_thread().posts.get()
    assert client.post(reverse("forum:edit_post", args=[post.pk]), {"source": "Mine now"}).status_code == 403
    assert Post.objects.get(pk=post.pk).source == "First post"


def test_deleting_another_users_post_is_403(client, fan):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("id").last()
    assert client.post(reverse("forum:delete_post", args=[reply.pk])).status_code == 403
    assert Post.objects.get(pk=reply.pk).deleted_at is None


def test_soft_deleting_a_reply_hides_it_from_fans_and_fixes_counts(client, fan):
    thread = make_thread(author=fan, replies=1)
    reply = thread.posts.order_by("id").last()
    client.post(reverse("forum:delete_post", args=[reply.pk]))
    assert Post.objects.get(pk=reply.pk).deleted_at is not None
    assert Thread.objects.get(pk=thread.pk).reply_count == 0
    assert Board.objects.get(pk=thread.board_id).post_count == 1
    assert "Reply 1" not in client.get(thread.get_absolute_url()).content.decode()
    assert client.get(reverse("forum:post", args=[reply.pk])).status_code == 404


def test_missing_thread_and_post_are_404(client):
    assert client.get(reverse("forum:thread", args=[999])).status_code == 404
    assert client.get(reverse("forum:post", args=[999])).status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1e9", ""])
def test_odd_page_numbers_land_on_a_valid_page(client, page):
    thread = make_thread(replies=3)
    assert client.get(thread.get_absolute_url(), {"page": page}).status_code == 200
    assert client.get(thread.board.get_absolute_url(), {"page": page}).status_code == 200


def test_a_permalink_goes_to_the_right_page_and_anchor(client):
    thread = make_thread(replies=45)
    posts = list(thread.posts.order_by("id"))
    assert client.get(posts[0].get_absolute_url()).url == f"{thread.get_absolute_url()}#p{posts[0].pk}"
    assert client.get(posts[20].get_absolute_url()).url == f"{thread.get_absolute_url()}?page=2#p{posts[20].pk}"
    assert client.get(posts[45].get_absolute_url()).url == f"{thread.get_absolute_url()}?page=3#p{posts[45].pk}"


def test_hostile_markdown_renders_inert(client, fan):
    thread = make_thread()
    client.post(
        reverse("forum:reply", args=[thread.pk]),
        {
            "source": "<script>alert(1)</script> <img src=x onerror=alert(1)> "
            "[x](javascript:alert(1)) [y](data:text/html,hi)"
        },
    )
    html = Post.objects.order_by("id").last().html
    # Raw HTML is shown as text, dangerous links are not links.
    assert "&lt;script&gt;" in html
    for live in ("<script", "<img", 'href="javascript', 'href="data:'):
        assert live not in html, live


def test_post_count_on_the_author_rises_with_each_post():
    author = UserFactory()
    make_thread(author=author, replies=2)
    assert User.objects.get(pk=author.pk).post_count == 3
