"""The notifications page in groups: a line per thread (or post) and kind, who, a snippet, read per line."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum import following, liking, posting
from forum.notifying import post_snippet
from forum.tests.factories import make_thread
from notifications.models import Kind, Notification
from notifications.tests.factories import make_notification
from tests.queries import session_queries

pytestmark = pytest.mark.django_db


def lines(html: str) -> list[str]:
    return re.findall(r'<li class="notification[^"]*">(.*?)</li>', html, flags=re.S)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def replies_in(thread, repliers, capture):
    """Each replier replies once, and the fan-out runs as a worker would."""
    posts = []
    for number, replier in enumerate(repliers, start=1):
        with capture(execute=True):
            posts.append(posting.reply(thread=thread, author=replier, source=f"Reply number {number}"))
    return posts


@pytest.fixture
def followed_thread(fan):
    thread = make_thread(title="Battery life")
    following.follow_thread(user=fan, thread=thread)
    return thread


@pytest.mark.usefixtures("in_english")
def test_replies_in_one_thread_are_one_line_with_who_and_the_latest_snippet(
    client, fan, followed_thread, django_capture_on_commit_callbacks
):
    mei, rui, bo = UserFactory(username="meimei"), UserFactory(username="ruirui"), UserFactory(username="bobo")
    replies_in(followed_thread, [mei, rui, mei, bo, rui], django_capture_on_commit_callbacks)
    [line] = lines(client.get(reverse("notifications:list")).content.decode())
    shown = text(line)
    assert "5 replies in “Battery life”" in shown and "5 new" in shown
    assert "ruirui, bobo, meimei" in shown  # the latest first, each once
    assert "Reply number 5" in shown and "Reply number 4" not in shown


@pytest.mark.usefixtures("in_english")
def test_likes_of_a_post_are_one_line_naming_the_latest_liker_and_how_many_others(
    client, fan, django_capture_on_commit_callbacks
):
    post = make_thread(author=fan, title="Battery life", source="My long battery test").posts.get()
    for name in ["meimei", "ruirui", "bobo", "lili"]:
        with django_capture_on_commit_callbacks(execute=True):
            liking.toggle_like(post=post, user=UserFactory(username=name))
    [line] = lines(client.get(reverse("notifications:list")).content.decode())
    assert "lili and 3 others liked your post in “Battery life”" in text(line)
    assert "My long battery test" in text(line)


def test_opening_a_line_marks_its_group_read_and_opens_its_first_unread_reply(
    client, fan, followed_thread, django_capture_on_commit_callbacks
):
    first, *_ = replies_in(
        followed_thread, [UserFactory(), UserFactory(), UserFactory()], django_capture_on_commit_callbacks
    )
    elsewhere = make_notification(fan)
    latest = Notification.objects.filter(recipient=fan, key__startswith="replies:").latest("id")
    response = client.post(reverse("notifications:mark_read", args=[latest.pk]))
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    assert not Notification.objects.filter(recipient=fan, key__startswith="replies:", read_at=None).exists()
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None


def test_a_reply_after_the_page_was_shown_stays_unread(
    client, fan, followed_thread, django_capture_on_commit_callbacks
):
    replies_in(followed_thread, [UserFactory()], django_capture_on_commit_callbacks)
    shown = Notification.objects.get(recipient=fan)
    [later] = replies_in(followed_thread, [UserFactory()], django_capture_on_commit_callbacks)
    client.post(reverse("notifications:mark_read", args=[shown.pk]))
    assert Notification.objects.get(recipient=fan, key=f"replies:{later.pk}").read_at is None


def test_mark_read_without_opening_goes_back_to_the_same_page_of_the_list(client, fan):
    notification = make_notification(fan)
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]), {"stay": "1", "page": "2"})
    assert response.url == reverse("notifications:list") + "?page=2"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_the_header_counts_unread_lines_not_notifications(client, fan):
    for _ in range(5):
        make_notification(fan, group="reply:thread:1")
    make_notification(fan)
    assert '<span class="unread-count">2</span>' in client.get(reverse("home")).content.decode()


def test_the_page_is_in_chinese_for_a_chinese_reader(client, fan):
    for _ in range(3):
        make_notification(fan, group="reply:thread:1", thread="电池")
    html = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "“电池”中有 3 条回复" in text(html) and "3 条未读" in text(html)


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("count", [1, 30])
def test_grouped_lines_run_a_fixed_number_of_queries(client, fan, count, settings, django_assert_num_queries):
    people = [UserFactory() for _ in range(3)]
    for number in range(count):
        for person in people:
            make_notification(fan, group=f"reply:thread:{number}", actor=person, snippet="Hello")
    # session (none with Redis: cached_db), user, count of groups, one page of
    # groups, their latest notifications with actors, their latest people (two:
    # the actors' ids, then the people), the header's unread count
    with django_assert_num_queries(7 + session_queries(settings)):
        html = client.get(reverse("notifications:list")).content.decode()
    assert len(lines(html)) == count and html.count("3 new") == count


def test_lines_are_paged_by_group(client, fan):
    for number in range(31):
        make_notification(fan, group=f"reply:thread:{number}")
        make_notification(fan, group=f"reply:thread:{number}")
    assert len(lines(client.get(reverse("notifications:list")).content.decode())) == 30
    assert len(lines(client.get(reverse("notifications:list") + "?page=2").content.decode())) == 1


@pytest.mark.usefixtures("in_english")
def test_a_grouped_line_isolates_and_escapes_the_title_and_names(client, fan):
    liker = UserFactory(username="meimei")
    for person in [UserFactory(), liker]:
        make_notification(fan, kind=Kind.LIKE, group="like:post:1", thread="<script>x</script>", actor=person)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "<bdi>meimei</bdi> and 1 other liked your post in “<bdi>&lt;script&gt;x&lt;/script&gt;</bdi>”" in html
    assert "<script>x" not in html


def test_a_snippet_shows_the_posts_characters_not_their_html_entities(
    fan, followed_thread, django_capture_on_commit_callbacks
):
    replies_in(followed_thread, [UserFactory()], django_capture_on_commit_callbacks)
    reply = followed_thread.posts.order_by("-pk").first()
    type(reply).objects.filter(pk=reply.pk).update(html="<p>5.6&nbsp;GB &amp; R&amp;D</p>")
    reply.refresh_from_db()
    assert post_snippet(reply) == "5.6 GB & R&D"
