"""Signed-in pages from shells (forum.shells) are the pages a whole render gives, for every kind of
reader, and never show a reader what is not theirs or what has changed."""

import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts import profiles
from accounts.roles import Role, grant_role
from accounts.tests.factories import UserFactory
from forum import following, liking, moderation, posting
from forum.tests.factories import BoardFactory, make_thread
from notifications.delivery import notify
from notifications.models import Kind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def frozen_clock():
    """A shell and a whole render compared byte for byte must see the same second ("just now", "1 minute
    ago"): the clock stands still in these tests."""
    with time_machine.travel("2026-12-04 09:00:00+00:00", tick=False) as clock:
        yield clock


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def from_shell(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert not rendered_page(response), "rendered whole: no shell was used"
    return response.content.decode()


def rendered_whole(client, url, settings) -> str:
    before, settings.FORUM_PAGE_CACHE_SECONDS = settings.FORUM_PAGE_CACHE_SECONDS, 0
    try:
        response = client.get(url)
    finally:
        settings.FORUM_PAGE_CACHE_SECONDS = before
    assert response.status_code == 200 and rendered_page(response)
    return response.content.decode()


def rendered_page(response) -> bool:
    """Whether the page template was rendered (a shell renders only the header's account links)."""
    return "base.html" in [template.name for template in response.templates]


def assert_same_page(client, url, settings):
    """The shell's page for this reader is the whole render's, byte for byte, but for the CSRF token."""
    client.get(url)  # builds the shell (perhaps for someone else's kind of reader first)
    shell, whole = from_shell(client, url), rendered_whole(client, url, settings)
    assert "\x00" not in shell
    assert TOKEN.sub("", shell) == TOKEN.sub("", whole)
    tokens = TOKEN.findall(shell)
    assert tokens and len(set(tokens)) == 1  # one token in every form: the request's
    return shell


@pytest.fixture
def busy_thread():
    """A thread of two pages with a reply by a reader, a post liked by them, another author's posts."""
    reader, other = UserFactory(username="reader"), UserFactory(username="other", phone_model="Xiaomi 14")
    thread = make_thread(replies=21, repliers=[other])
    posting.reply(thread=thread, author=reader, source="My own reply")
    liking.toggle_like(post=thread.posts.order_by("id")[1], user=reader)
    return thread, reader


@pytest.mark.parametrize("page", ["", "?page=2"])
def test_a_thread_from_its_shell_is_the_whole_page_for_its_reader(busy_thread, settings, page):
    thread, reader = busy_thread
    # Another fan builds the shell; the reader's likes, own post, follow and name are filled in.
    signed_in(UserFactory()).get(thread.get_absolute_url() + page)
    html = assert_same_page(signed_in(reader), thread.get_absolute_url() + page, settings)
    assert 'class="me" aria-label="reader: my profile"' in html  # the header's link is the reader's


def test_a_moderators_thread_page_from_its_shell_is_the_whole_page(busy_thread, settings):
    thread, _ = busy_thread
    moderator = UserFactory(roles=[Role.MODERATOR])
    moderation.set_post_hidden(post=thread.posts.order_by("id")[2], moderator=moderator, hidden=True, reason="spam")
    html = assert_same_page(signed_in(moderator), thread.get_absolute_url(), settings)
    assert "Hidden" in html and "Moderate" in html


def test_a_followed_thread_from_its_shell_says_so(busy_thread, settings):
    thread, reader = busy_thread
    following.follow_thread(user=reader, thread=thread)
    assert "You follow this thread." in assert_same_page(signed_in(reader), thread.get_absolute_url(), settings)


def test_a_locked_thread_from_its_shell_is_the_whole_page(busy_thread, settings):
    thread, reader = busy_thread
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="lock", reason="done")
    assert "no new replies" in assert_same_page(signed_in(reader), thread.get_absolute_url(), settings)


def test_the_header_shows_the_readers_unread_notifications(busy_thread, settings):
    thread, reader = busy_thread
    notify(
        recipient_ids=[reader.pk],
        kind=Kind.MENTION,
        key="m1",
        params={"thread": thread.title, "actor": "x"},
        url=thread.get_absolute_url(),
    )
    html = assert_same_page(signed_in(reader), thread.get_absolute_url(), settings)
    assert '<span class="unread-count">1</span>' in html


def test_each_language_and_time_zone_has_its_shell(busy_thread, settings):
    thread, reader = busy_thread
    profiles.update_preferences(user=reader, language="zh-hans", time_zone="America/New_York")
    html = assert_same_page(signed_in(reader), thread.get_absolute_url(), settings)
    assert '<html lang="zh-hans">' in html and "-05:00" in html


@pytest.mark.parametrize("unread", [False, True])
def test_a_board_from_its_shell_is_the_whole_page_for_its_reader(settings, unread, frozen_clock):
    reader = UserFactory()
    board = BoardFactory()
    threads = [make_thread(board=board, title=f"Thread {i}") for i in range(3)]
    client = signed_in(reader)
    client.get(threads[0].get_absolute_url())  # read
    frozen_clock.shift(1)
    if unread:
        posting.reply(thread=threads[0], author=UserFactory(), source="Something new")
    html = assert_same_page(client, board.get_absolute_url(), settings)
    assert html.count('class="tag new"') == (3 if unread else 2)
    assert "New thread" in html


def test_a_board_where_the_reader_may_not_start_threads(settings):
    board = BoardFactory()
    make_thread(board=board)
    board.start_roles.add(Group.objects.get(name=Role.ADMIN.value))
    signed_in(UserFactory(roles=[Role.ADMIN])).get(board.get_absolute_url())  # an admin builds it
    html = assert_same_page(signed_in(UserFactory()), board.get_absolute_url(), settings)
    assert "New thread" not in html


def test_an_empty_board_from_its_shell_says_so(settings):
    board = BoardFactory()
    assert "No threads yet." in assert_same_page(signed_in(UserFactory()), board.get_absolute_url(), settings)


# --- Never another reader's page ---------------------------------------------------


def test_a_staff_board_built_by_staff_is_404_for_a_fan():
    board = BoardFactory()
    thread = make_thread(board=board)
    board.read_roles.add(Group.objects.get(name=Role.MODERATOR.value))
    staff = signed_in(UserFactory(roles=[Role.MODERATOR]))
    assert staff.get(thread.get_absolute_url()).status_code == 200
    assert staff.get(board.get_absolute_url()).status_code == 200
    fan = signed_in(UserFactory())
    assert fan.get(thread.get_absolute_url()).status_code == 404
    assert fan.get(board.get_absolute_url()).status_code == 404


def test_a_fan_given_the_role_may_read_at_once():
    board = BoardFactory()
    thread = make_thread(board=board)
    board.read_roles.add(Group.objects.get(name=Role.ENGINEER.value))
    user = UserFactory()
    fan = signed_in(user)
    assert fan.get(thread.get_absolute_url()).status_code == 404
    grant_role(user, Role.ENGINEER)
    assert fan.get(thread.get_absolute_url()).status_code == 200
    user.groups.remove(Group.objects.get(name=Role.ENGINEER.value))
    assert fan.get(thread.get_absolute_url()).status_code == 404


def test_a_role_given_the_moderators_permission_moderates_at_once(busy_thread):
    thread, reader = busy_thread
    client = signed_in(reader)
    assert "Moderate" not in client.get(thread.get_absolute_url()).content.decode()
    Group.objects.get(name=Role.FAN.value).permissions.add(Permission.objects.get(codename="moderate_forum"))
    assert "Moderate" in client.get(thread.get_absolute_url()).content.decode()


def test_a_hidden_thread_is_404_for_fans_after_a_moderator_built_its_shell(busy_thread):
    thread, reader = busy_thread
    moderator = UserFactory(roles=[Role.MODERATOR])
    moderation.set_thread_flag(thread=thread, moderator=moderator, kind="hide_thread", reason="spam")
    assert signed_in(moderator).get(thread.get_absolute_url()).status_code == 200
    assert signed_in(reader).get(thread.get_absolute_url()).status_code == 404


def test_no_text_a_fan_writes_opens_a_hole(fan):
    """A hole is marked by NUL characters: forms refuse them, Markdown never renders one."""
    from forum import shells
    from forum.forms import ThreadForm
    from forum.rendering import render_post

    marker = str(shells.hole("account"))
    form = ThreadForm({"title": f"Look {marker}", "source": f"Look {marker} here"})
    assert not form.is_valid() and {"title", "source"} <= set(form.errors)
    assert "\x00" not in render_post(f"Look {marker} here").html


# --- Never stale -------------------------------------------------------------------


def test_a_reply_a_like_and_a_new_name_show_at_once(busy_thread):
    thread, reader = busy_thread
    client = signed_in(reader)
    url = thread.get_absolute_url() + "?page=2"
    client.get(url)
    other = UserFactory(username="late")
    posting.reply(thread=thread, author=other, source="A late reply")
    assert "A late reply" in client.get(url).content.decode()
    liking.toggle_like(post=thread.posts.order_by("-id").first(), user=reader)
    assert 'aria-pressed="true">♥ 1<' in client.get(url).content.decode()
    profiles.update_profile(user=other, display_name="Renamed", city="", phone_model="", bio="")
    assert "Renamed" in client.get(url).content.decode()


def test_a_new_badge_shows_at_once(busy_thread):
    thread, reader = busy_thread
    client = signed_in(UserFactory())
    client.get(thread.get_absolute_url())
    grant_role(reader, Role.ENGINEER)
    client.get(thread.get_absolute_url())
    html = client.get(thread.get_absolute_url() + "?page=2").content.decode()
    assert 'class="badge badge-engineer"' in html


def test_pages_with_more_of_their_own_are_rendered_whole(busy_thread):
    thread, reader = busy_thread
    client = signed_in(reader)
    assert rendered_page(client.get(thread.get_absolute_url() + "?quote=1"))
    liking.toggle_like(post=thread.posts.first(), user=reader)
    client.post(f"/p/{thread.posts.first().pk}/like/", {})  # a flash message waits
    assert rendered_page(client.get(thread.get_absolute_url()))


def test_a_posters_new_name_shows_at_once_to_anonymous_readers_too(client, busy_thread):
    thread, reader = busy_thread
    url = thread.get_absolute_url() + "?page=2"
    assert ">reader<" in client.get(url).content.decode()
    profiles.update_profile(user=reader, display_name="Renamed", city="", phone_model="", bio="")
    html = client.get(url).content.decode()
    assert "Renamed" in html and ">reader<" not in html
    assert "Renamed" in client.get(thread.board.get_absolute_url()).content.decode()


def test_a_renamed_board_is_found_at_its_new_address_only():
    reader = signed_in(UserFactory())
    board = BoardFactory(slug="old-name")
    make_thread(board=board)
    assert reader.get("/b/old-name/").status_code == 200
    board.slug = "new-name"
    board.save()
    assert reader.get("/b/old-name/").status_code == 404
    assert reader.get("/b/new-name/").status_code == 200


def test_a_signup_or_a_sign_in_leaves_the_shells_alone(busy_thread, django_assert_num_queries, settings):
    from tests.queries import session_queries

    thread, reader = busy_thread
    client = signed_in(reader)
    client.get(thread.get_absolute_url())
    UserFactory()
    signed_in(UserFactory())
    # session, the thread's entry, and the reader's own state (their next page reads none)
    with django_assert_num_queries(2 + session_queries(settings)):
        client.get(thread.get_absolute_url())


def test_following_and_unfollowing_show_at_once(busy_thread):
    thread, reader = busy_thread
    client = signed_in(reader)
    url = thread.get_absolute_url()
    client.get(url)
    assert "You follow this thread." in client.get(url).content.decode()  # they replied
    following.unfollow_thread(user=reader, thread=thread)
    assert "You follow this thread." not in client.get(url).content.decode()
    following.follow_thread(user=reader, thread=thread)
    assert "You follow this thread." in client.get(url).content.decode()


def test_unliking_shows_at_once(busy_thread):
    thread, reader = busy_thread
    client = signed_in(reader)
    post = thread.posts.order_by("id")[1]  # liked by the reader
    client.get(thread.get_absolute_url())
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'formaction="/p/{post.pk}/like/" class="like liked"' in html
    liking.toggle_like(post=post, user=reader)
    assert f'formaction="/p/{post.pk}/like/" class="like"' in client.get(thread.get_absolute_url()).content.decode()


def test_a_thread_read_shows_as_read_on_its_board_at_once(frozen_clock):
    reader = signed_in(UserFactory())
    thread = make_thread()
    board_url = thread.board.get_absolute_url()
    reader.get(board_url)
    assert 'class="tag new"' in reader.get(board_url).content.decode()
    reader.get(thread.get_absolute_url())
    assert 'class="tag new"' not in reader.get(board_url).content.decode()
    frozen_clock.shift(1)
    posting.reply(thread=thread, author=UserFactory(), source="News")
    assert 'class="tag new"' in reader.get(board_url).content.decode()


def test_shells_kept_by_other_code_are_not_read(monkeypatch):
    """A deploy that changes how shells are built changes every key (a shell of another shape is never read)."""
    from pathlib import Path

    from forum import fragments

    before = fragments._code_version()
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda path: read_bytes(path) + (b"# changed" if path.name == "shells.py" else b"")
    )
    assert fragments._code_version() != before


# --- Threads with panels (forum.panels: an idea's box, polls) ------------------------------------


def test_an_idea_thread_comes_from_its_shell_with_each_readers_own_panel(settings):
    from ideas import voting
    from ideas.tests.factories import ideas_product, make_pm, propose

    idea = propose(ideas_product(slug="ideas"), title="A shell around my box", votes=[UserFactory()])
    voter, other, pm = UserFactory(), UserFactory(), make_pm()
    voting.toggle_vote(idea=idea, user=voter)
    url = idea.get_absolute_url()
    pages = {}
    for name, reader in (("voter", voter), ("other", other), ("pm", pm)):
        client = signed_in(reader)
        client.get(url)  # builds the shell, or finds the one the reader before built
        pages[name] = from_shell(client, url)
        assert TOKEN.sub("", pages[name]) == TOKEN.sub("", rendered_whole(client, url, settings))
        assert "\x00" not in pages[name]
    assert 'class="idea-panel' in pages["other"] and "<strong>2</strong>" in pages["other"]
    assert 'class="vote-button voted"' in pages["voter"] and 'class="vote-button voted"' not in pages["other"]
    assert 'class="poll-open"' in pages["pm"] and 'class="poll-open"' not in pages["other"]  # one shell, three boxes
    voting.toggle_vote(idea=idea, user=other)
    client = signed_in(other)
    client.get(url)  # the vote moved the thread's generation: the shell is built again
    page = from_shell(client, url)
    assert "<strong>3</strong>" in page and 'class="vote-button voted"' in page


def test_an_idea_thread_from_its_shell_reads_only_what_its_panels_show(django_assert_num_queries, settings):
    from ideas.tests.factories import ideas_product, propose
    from tests.queries import session_queries

    url = propose(ideas_product(slug="ideas"), title="Counted box", votes=[UserFactory()]).get_absolute_url()
    client = signed_in(UserFactory())
    client.get(url)
    client.get(url)
    # the thread's entry; the thread and its board; the panels: the idea, its status changes, the engineers of its
    # release item, the reader's vote, their permissions (user, groups: may they open a poll), the polls.
    # Rendered whole, the page made 16.
    with django_assert_num_queries(9 + session_queries(settings)):
        client.get(url)
