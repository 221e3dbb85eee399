"""Posts and board rows are rendered once and reused from the cache, and no
change ever leaves a reader looking at an old copy: each test views a page
(filling the cache), changes one thing, and views it again."""

import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from accounts import profiles
from accounts.roles import Role, grant_role
from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes, upload
from forum import fragments, liking, moderation, posting
from forum.forms import PostForm
from forum.tests.factories import make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def page(client, thread) -> str:
    return client.get(thread.get_absolute_url()).content.decode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article(html: str, post) -> str:
    """The <article> of one post in a page."""
    match = re.search(rf'<article [^>]*id="p{post.pk}">.*?</article>', html, re.S)
    assert match, f"post {post.pk} is not on the page"
    return match.group(0)


def set_profile(user, **fields):
    values = {
        "display_name": user.display_name,
        "city": user.city,
        "phone_model": user.phone_model,
        "bio": user.bio,
        **fields,
    }
    return profiles.update_profile(user=user, **values)


# --- Reuse --------------------------------------------------------------------


def test_a_second_reader_gets_the_posts_from_the_cache():
    thread = make_thread(replies=2)
    first = signed_in(UserFactory()).get(thread.get_absolute_url())
    second = signed_in(UserFactory()).get(thread.get_absolute_url())
    assert "forum/_posts.html" in [t.name for t in first.templates]
    assert "forum/_posts.html" not in [t.name for t in second.templates]
    assert second.status_code == 200 and "Reply 2" in second.content.decode()


def test_a_second_reader_gets_the_board_rows_from_the_cache():
    thread = make_thread()
    signed_in(UserFactory()).get(thread.board.get_absolute_url())
    second = signed_in(UserFactory()).get(thread.board.get_absolute_url())
    assert "forum/_thread_row.html" not in [t.name for t in second.templates]
    assert thread.title in second.content.decode()


def test_fragments_carry_no_csrf_token_and_submit_the_pages_form(client, fan):
    thread = make_thread()
    html = page(client, thread)
    post = article(html, thread.posts.get())
    assert "csrfmiddlewaretoken" not in post
    assert f'form="post-actions" formaction="/p/{thread.posts.get().pk}/like/"' in post
    form = re.search(r'<form id="post-actions" method="post"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1)


def test_the_like_button_still_likes_through_the_pages_form(client, fan):
    thread = make_thread()
    page(client, thread)
    client.post(f"/p/{thread.posts.get().pk}/like/")
    assert 'aria-pressed="true">♥ 1<' in article(page(client, thread), thread.posts.get())


# --- Changes to the post ------------------------------------------------------


def test_a_like_by_someone_else_shows_at_once(client, fan):
    thread = make_thread()
    assert "♥ 0" in article(page(client, thread), thread.posts.get())
    liking.toggle_like(post=thread.posts.get(), user=UserFactory())
    assert "♥ 1" in article(page(client, thread), thread.posts.get())


def test_an_edit_shows_at_once(client, fan):
    thread = make_thread(source="The first words")
    assert "The first words" in page(client, thread)
    posting.edit_post(post=thread.posts.get(), editor=thread.author, source="The corrected words")
    html = page(client, thread)
    assert "The corrected words" in html and "The first words" not in html
    assert "edited" in article(html, thread.posts.get())


def test_a_hidden_post_is_gone_for_fans_and_marked_for_moderators(client, fan):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("id").last()
    moderator = signed_in(UserFactory(roles=[Role.MODERATOR]))
    assert "Reply 1" in page(client, thread) and "Hide</button>" in article(page(moderator, thread), reply)
    moderation.set_post_hidden(post=reply, moderator=UserFactory(roles=[Role.MODERATOR]), hidden=True)
    assert "Reply 1" not in page(client, thread)
    assert "Unhide</button>" in article(page(moderator, thread), reply)


def test_a_deleted_post_is_gone_at_once(client, fan):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("id").last()
    assert "Reply 1" in page(client, thread)
    posting.delete_post(post=reply, actor=thread.author)
    assert "Reply 1" not in page(client, thread)


# --- Changes to the author ----------------------------------------------------


def test_the_authors_new_name_shows_at_once(client, fan):
    author = UserFactory(display_name="Old Name")
    thread = make_thread(author=author)
    assert "Old Name" in page(client, thread)
    set_profile(author, display_name="New Name")
    html = page(client, thread)
    assert "New Name" in html and "Old Name" not in html


def test_the_authors_new_avatar_shows_at_once(client, fan):
    author = UserFactory()
    thread = make_thread(author=author)
    assert 'class="avatar avatar-s avatar-blank"' in article(page(client, thread), thread.posts.get())
    author = set_profile(author, avatar_webp=profiles.read_avatar(upload(image_bytes())))
    assert f'src="{author.avatar.url}"' in article(page(client, thread), thread.posts.get())


def test_the_authors_new_phone_model_shows_at_once(client, fan):
    author = UserFactory(phone_model="Xiaomi 13")
    thread = make_thread(author=author)
    assert "<bdi>Xiaomi 13</bdi> ·" in page(client, thread)
    set_profile(author, phone_model="Xiaomi 15 Ultra")
    assert "<bdi>Xiaomi 15 Ultra</bdi> ·" in page(client, thread)


def test_the_authors_new_role_shows_as_their_badge_at_once(client, fan):
    author = UserFactory()
    thread = make_thread(author=author)
    assert 'class="badge badge-fan"' in article(page(client, thread), thread.posts.get())
    grant_role(author, Role.ENGINEER)
    assert 'class="badge badge-engineer"' in article(page(client, thread), thread.posts.get())


def test_the_badge_is_the_highest_role_whatever_order_they_were_given(client, fan):
    author = UserFactory(roles=[Role.ENGINEER, Role.ADMIN, Role.PRODUCT_MANAGER])
    thread = make_thread(author=author)
    assert 'class="badge badge-admin"' in article(page(client, thread), thread.posts.get())


def test_an_author_with_no_role_has_no_badge(client, fan):
    author = UserFactory()
    author.groups.clear()
    thread = make_thread(author=author)
    assert 'class="badge' not in article(page(client, thread), thread.posts.get())


def test_the_authors_post_count_follows_their_posts_elsewhere(client, fan, settings):
    """A count that moves no version of this thread: its pages show it at most FORUM_PAGE_CACHE_SECONDS
    late (forum.pagecache)."""
    with time_machine.travel("2026-12-04 09:00:00+00:00", tick=False) as clock:
        author = UserFactory()
        thread = make_thread(author=author)
        assert "1 post<" in article(page(client, thread), thread.posts.get())
        make_thread(author=author, source="Another first post")
        clock.shift(settings.FORUM_PAGE_CACHE_SECONDS)
        assert "2 posts<" in article(page(client, thread), thread.posts.get())


# --- Changes on the reader's side ---------------------------------------------


def test_switching_language_renders_the_posts_in_the_new_language(client):
    reader = UserFactory(language="en")
    client.force_login(reader)
    thread = make_thread()
    assert ">Quote</a>" in page(client, thread)
    profiles.update_preferences(user=reader, language="zh-hans", time_zone=reader.time_zone)
    html = page(client, thread)
    assert ">引用</a>" in html and ">Quote</a>" not in html


def test_a_new_time_zone_shows_the_posts_times_in_it(client):
    reader = UserFactory(time_zone="Asia/Shanghai")
    client.force_login(reader)
    with time_machine.travel("2026-11-20 12:00:00+00:00", tick=False):
        thread = make_thread()
        assert 'datetime="2026-11-20T20:00:00+08:00"' in page(client, thread)
        profiles.update_preferences(user=reader, language="en", time_zone="Europe/Berlin")
        assert 'datetime="2026-11-20T13:00:00+01:00"' in page(client, thread)


def test_how_long_ago_moves_on(client, fan):
    with time_machine.travel("2026-11-20 12:00:00+00:00", tick=False):
        thread = make_thread()
    with time_machine.travel("2026-11-20 12:05:00+00:00", tick=False):
        assert re.search(r">5\s+minutes ago</time>", page(client, thread))
    with time_machine.travel("2026-11-20 15:00:00+00:00", tick=False):
        assert re.search(r">3\s+hours ago</time>", page(client, thread))


def test_the_authors_own_links_are_not_shown_to_the_next_reader():
    author = UserFactory()
    thread = make_thread(author=author, replies=1)
    reply = thread.posts.order_by("id").last()
    assert "/edit/" in article(page(signed_in(author), thread), reply)
    other = article(page(signed_in(UserFactory()), thread), reply)
    assert "/edit/" not in other and "/delete/" not in other
    assert "/like/" in other


def test_moderator_controls_are_not_shown_to_the_next_fan():
    thread = make_thread()
    assert "/moderate/" in article(page(signed_in(UserFactory(roles=[Role.MODERATOR])), thread), thread.posts.get())
    assert "/moderate/" not in article(page(signed_in(UserFactory()), thread), thread.posts.get())


def test_a_locked_thread_loses_its_quote_links_at_once(client, fan):
    thread = make_thread()
    assert "quote=" in page(client, thread)
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="lock")
    assert "quote=" not in page(client, thread)


# --- Board rows ---------------------------------------------------------------


def test_a_reply_moves_the_board_row_at_once(client, fan):
    thread = make_thread(title="A busy thread")
    row = client.get(thread.board.get_absolute_url()).content.decode()
    assert "0 replies" in row
    posting.reply(thread=thread, author=UserFactory(display_name="Replier Rui"), source="Hello")
    row = client.get(thread.board.get_absolute_url()).content.decode()
    assert "1 reply" in row and "Replier Rui" in row


def test_the_new_mark_follows_each_readers_reading(client, fan):
    thread = make_thread()
    new = f'href="/t/{thread.pk}/unread/"'
    assert new in client.get(thread.board.get_absolute_url()).content.decode()
    page(client, thread)
    assert new not in client.get(thread.board.get_absolute_url()).content.decode()
    assert new in signed_in(UserFactory()).get(thread.board.get_absolute_url()).content.decode()
    posting.reply(thread=thread, author=UserFactory(), source="Something new")
    assert new in client.get(thread.board.get_absolute_url()).content.decode()


def test_a_pinned_thread_shows_pinned_at_once(client, fan):
    thread = make_thread()
    assert "Pinned" not in client.get(thread.board.get_absolute_url()).content.decode()
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="pin")
    assert "Pinned" in client.get(thread.board.get_absolute_url()).content.decode()


def test_the_thread_authors_new_name_shows_on_the_board_at_once(client, fan):
    author = UserFactory(display_name="Old Name")
    thread = make_thread(author=author)
    assert "Old Name" in client.get(thread.board.get_absolute_url()).content.decode()
    set_profile(author, display_name="New Name")
    assert "New Name" in client.get(thread.board.get_absolute_url()).content.decode()


# --- The code that renders them -----------------------------------------------


def test_every_template_a_fragment_includes_is_in_its_code_version():
    for name in fragments.FRAGMENT_TEMPLATES:
        source = get_template(name).template.source
        for included in re.findall(r'{%\s*include\s+"([^"]+)"', source):
            assert included in fragments.FRAGMENT_TEMPLATES, f"{name} includes {included}"


def test_fragment_templates_read_nothing_but_their_card():
    # user, request, csrf_token or perms would make a fragment personal, and its key would not know.
    for name in ("forum/_posts.html", "forum/_thread_row.html"):
        source = get_template(name).template.source
        assert not re.search(r"{[{%][^}]*\b(user|request|csrf_token|perms|page|forloop)\b", source), name


def test_a_blank_reply_form_is_rendered_once_and_a_quoting_one_each_time():
    blank = fragments.form_fields(PostForm())
    assert blank is fragments.form_fields(PostForm())
    quoting = fragments.form_fields(PostForm(initial={"source": "> quoted"}))
    assert "&gt; quoted" in quoting and quoting is not fragments.form_fields(PostForm(initial={"source": "> quoted"}))


def test_role_groups_renamed_away_are_no_badge(client, fan):
    author = UserFactory(roles=[Role.ENGINEER])
    Group.objects.filter(name=Role.ENGINEER).update(name="Former engineers")
    thread = make_thread(author=author)
    assert 'class="badge badge-fan"' in article(page(client, thread), thread.posts.get())


def test_posts_on_a_later_page_quote_and_delete_from_that_page():
    author = UserFactory()
    thread = make_thread(author=author, replies=20)  # 21 posts: the last one is alone on page 2
    last = thread.posts.order_by("id").last()
    html = signed_in(author).get(thread.get_absolute_url(), {"page": 2}).content.decode()
    assert f"?page=2&amp;quote={last.pk}#reply" in article(html, last)
    assert f'formaction="/p/{last.pk}/delete/"' in article(html, last)


def test_the_first_post_of_a_thread_has_no_delete_button_for_its_author():
    author = UserFactory()
    thread = make_thread(author=author, replies=1)
    first, reply = thread.posts.order_by("id")
    html = page(signed_in(author), thread)
    assert "/delete/" not in article(html, first)
    assert f'formaction="/p/{reply.pk}/delete/"' in article(html, reply)


def test_post_and_row_templates_build_no_url_with_reverse():
    # A {% url %} is a reverse() per link and fragment, 60 posts a shell; forum.fragments builds the cards'
    # URLs by joining strings.
    for name in (
        "forum/_posts.html",
        "forum/_post_actions.html",
        "forum/_thread_row.html",
        "accounts/_avatar.html",
        "accounts/_badge.html",
    ):
        assert "{% url" not in get_template(name).template.source, name


def test_fragment_links_are_the_urls_reverse_gives(client, fan):
    author = UserFactory(username="米粉_0005")
    thread = make_thread(author=author, replies=1, repliers=[fan])
    first, reply = thread.posts.order_by("floor")
    html = page(client, thread)
    assert f'href="{reverse("profile", args=[author.username])}"' in article(html, first)
    assert f'formaction="{reverse("forum:like", args=[first.pk])}"' in article(html, first)
    assert f'href="{reverse("forum:report_post", args=[first.pk])}"' in article(html, first)
    assert f'href="{reverse("forum:edit_post", args=[reply.pk])}"' in article(html, reply)
    assert f'href="{reverse("forum:post", args=[reply.pk])}"' in article(html, reply)
    board = client.get(thread.board.get_absolute_url()).content.decode()
    assert f'href="{reverse("forum:thread", args=[thread.pk])}"' in board
    assert f'href="{reverse("profile", args=[author.username])}"' in board


def test_the_shared_part_of_a_post_reads_no_relation_to_the_reader():
    # forum/_posts.html is rendered once for every relation to a post (forum.fragments._render_relations):
    # what depends on it belongs in forum/_post_actions.html.
    source = get_template("forum/_posts.html").template.source
    assert not re.search(r"\bpost\.(signed_in|own|liked)\b", source)


def test_the_post_loop_includes_nothing_and_translates_nothing_per_post():
    # The loop runs twenty times a page: an include, a {% url %} or a translation in it costs twenty.
    source = get_template("forum/_posts.html").template.source
    loop = source[source.index("{% for post in posts %}") :]
    assert not re.search(r"{%\s*(include|url|translate|blocktranslate|trans|blocktrans)\b", loop)


# --- What a cold page renders --------------------------------------------------


def test_a_cold_signed_in_page_renders_its_posts_once_and_their_actions_once_per_shape():
    # A shell used to render every post three times over (one <article> per relation to the reader)
    # and _post_actions.html once per post and relation: 60 renders for a page of 20 posts; then
    # _post.html once per post. Now the posts are one loop.
    thread = make_thread(replies=9)
    fragments._actions_pieces.cache_clear()
    response = signed_in(UserFactory()).get(thread.get_absolute_url())
    names = [template.name for template in response.templates]
    assert names.count("forum/_posts.html") == 1
    assert response.content.decode().count("<article ") == 10
    # Own, liked, other; the first post (not deletable) and the replies: at most six shapes.
    assert 0 < names.count("forum/_post_actions.html") <= 6


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_posts_actions_are_what_its_template_renders_in_every_shape(language):
    # forum.fragments.render_actions fills a once-rendered template with each post's numbers:
    # for every combination of what the template tests, the HTML must be the template's own.
    from django.template.loader import render_to_string
    from django.utils import translation

    urls = {
        "post": "/p/1234567/",
        "like": "/p/1234567/like/",
        "report": "/p/1234567/report/",
        "moderate": "/p/1234567/moderate/",
        "revisions": "/p/1234567/revisions/",
        "edit": "/p/1234567/edit/",
        "delete": "/p/1234567/delete/",
    }
    assert set(urls) == set(fragments.URL_NAMES)
    with translation.override(language):
        for shape in range(2 ** len(fragments.ACTION_FLAGS)):
            flags = {flag: bool(shape >> bit & 1) for bit, flag in enumerate(fragments.ACTION_FLAGS)}
            flags["edited_iso"] = "2026-12-04T17:00:00+08:00" if flags["edited_iso"] else ""
            post = {**flags, "pk": 1234567, "like_count": 12345, "page_number": 1001, "urls": urls}
            assert fragments.render_actions(post) == render_to_string("forum/_post_actions.html", {"post": post})


def test_a_posts_avatar_and_badge_are_drawn_as_on_every_other_page(client, fan):
    # forum/_posts.html draws them itself (no include per post): the same markup as accounts/_avatar.html
    # and accounts/_badge.html, with and without a picture and a role.
    pictured = UserFactory(roles=[Role.ENGINEER])
    pictured = set_profile(pictured, avatar_webp=profiles.read_avatar(upload(image_bytes())))
    plain = UserFactory(display_name="ümit")
    thread = make_thread(author=pictured, replies=1, repliers=[plain])
    html = page(client, thread)
    for post in thread.posts.all():
        person = type(post.author).objects.get(pk=post.author_id)
        drawn = article(html, post)
        assert get_template("accounts/_avatar.html").render({"person": person}).strip() in drawn
        assert get_template("accounts/_badge.html").render({"person": person}).strip() in drawn
