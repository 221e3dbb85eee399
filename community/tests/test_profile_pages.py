"""A fan's profile shows their activity, tab by tab, a page at a time, at a fixed number of queries:
threads, replies, ideas, four-cell reports (picks for the fan alone) and, for engineers, what they shipped.
Nothing hidden, deleted, unpublished or in a board the viewer may not read."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback import reports
from feedback.models import Report
from feedback.tests.reporting import published_release, submit, upcoming_idea
from forum import moderation, posting
from forum.models import ModerationAction
from forum.tests.factories import BoardFactory, make_thread
from ideas import proposing
from ideas.tests.factories import make_idea
from releases.models import Release
from releases.tests import builders
from releases.tests.factories import FeatureAreaFactory, ProductFactory
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def _no_daily_caps(settings):
    settings.FORUM_DAILY_CAPS = dict.fromkeys(settings.FORUM_DAILY_CAPS, (1000, 1000))


@pytest.fixture
def zhou(db):
    return UserFactory(username="zhou")


def profile(client, username="zhou", **query):
    response = client.get(reverse("profile", args=[username]), query)
    assert response.status_code == 200
    return response.content.decode()


def a_thread(*, title, **fields):
    fields.setdefault("source", f"Opening words: {title}")
    return make_thread(title=title, **fields)


def a_reply(thread, author, text):
    return posting.reply(thread=thread, author=author, source=text)


def make_reports(fan, count):
    """``count`` reports by ``fan``, each on a published release of its own."""
    idea = None
    for _ in range(count):
        release = builders.make_release()
        items = [builders.make_item(release), builders.make_item(release)]
        idea = idea or upcoming_idea(release.product)
        reports.submit_report(
            release=release,
            fan=fan,
            mood=Report.Mood.HAPPY,
            loved=items[0],
            weakest=items[1],
            awaited=idea,
            now=release.published_at + timedelta(hours=1),
        )


# --- Threads -------------------------------------------------------------------------


def test_the_threads_tab_lists_the_fans_threads_newest_first_with_their_board(client, zhou):
    board = BoardFactory(name="Camera talk")
    a_thread(board=board, author=zhou, title="Older thread of Zhou")
    a_thread(board=board, author=zhou, title="Newer thread of Zhou")
    a_thread(board=board, title="Someone else's thread")
    html = profile(client, tab="threads")
    assert html.index("Newer thread of Zhou") < html.index("Older thread of Zhou")
    assert "Camera talk" in html and "Someone else" not in html


def test_a_fans_profile_opens_on_their_threads(client, zhou):
    a_thread(author=zhou, title="Thread of Zhou")
    assert "Thread of Zhou" in profile(client)


def test_a_hidden_thread_is_not_listed_even_to_a_moderator(client, zhou):
    thread = a_thread(author=zhou, title="Hidden thread of Zhou")
    moderator = UserFactory(roles=[Role.MODERATOR])
    moderation.set_thread_flag(thread=thread, moderator=moderator, kind=ModerationAction.Kind.HIDE_THREAD)
    client.force_login(moderator)
    assert "Hidden thread of Zhou" not in profile(client, tab="threads")


@pytest.mark.parametrize("member, shown", [(False, False), (True, True)])
def test_threads_in_a_board_are_listed_only_to_who_may_read_it(client, zhou, member, shown):
    role = Group.objects.get(name=Role.ENGINEER.value)
    a_thread(
        board=BoardFactory(read_roles=[role]), author=UserFactory(roles=[Role.ENGINEER]), title="Opener of the team"
    )
    zhou.groups.add(role)
    a_thread(board=BoardFactory(read_roles=[role]), author=zhou, title="Team-only thread")
    client.force_login(UserFactory(roles=[Role.ENGINEER] if member else []))
    assert ("Team-only thread" in profile(client, tab="threads")) is shown


# --- Replies -------------------------------------------------------------------------


def test_the_replies_tab_shows_a_snippet_and_the_thread_of_each_reply(client, zhou):
    thread = a_thread(title="Battery drain after update")
    reply = a_reply(thread, zhou, "Same here: **30%** overnight & the phone is warm. " + "More words. " * 30)
    html = profile(client, tab="posts")
    assert "Same here: 30% overnight &amp; the phone is warm." in html  # text only, escaped once
    assert "<strong>" not in html.split('class="activity')[1]
    assert f'href="{thread.get_absolute_url()}"' in html and "Battery drain after update" in html
    assert f'href="{reply.get_absolute_url()}"' in html
    assert "More words. " * 30 not in html  # cut short


def test_the_opening_post_of_a_thread_is_not_a_reply(client, zhou):
    a_thread(author=zhou, title="Own thread", source="Opening words of Zhou")
    assert "Opening words of Zhou" not in profile(client, tab="posts")


@pytest.mark.parametrize("how", ["post hidden", "post deleted", "thread hidden"])
def test_hidden_and_deleted_replies_are_not_listed(client, zhou, how):
    thread = a_thread(title="A thread with replies")
    a_reply(thread, zhou, "A reply that stays")
    gone = a_reply(thread, zhou, "A reply that goes")
    moderator = UserFactory(roles=[Role.MODERATOR])
    if how == "post hidden":
        moderation.set_post_hidden(post=gone, moderator=moderator, hidden=True)
    elif how == "post deleted":
        posting.delete_post(post=gone, actor=zhou)
    else:
        moderation.set_thread_flag(thread=thread, moderator=moderator, kind=ModerationAction.Kind.HIDE_THREAD)
    html = profile(client, tab="posts")
    assert "A reply that goes" not in html
    assert ("A reply that stays" in html) is (how != "thread hidden")


def test_replies_in_a_board_the_viewer_may_not_read_are_not_listed(client, zhou):
    role = Group.objects.get(name=Role.ENGINEER.value)
    zhou.groups.add(role)
    thread = a_thread(board=BoardFactory(read_roles=[role]), author=zhou, title="Team thread")
    a_reply(thread, zhou, "A reply among the team")
    assert "A reply among the team" not in profile(client, tab="posts")


# --- Ideas ---------------------------------------------------------------------------


def test_the_ideas_tab_shows_each_ideas_status_and_votes(client, zhou):
    make_idea(author=zhou, title="Dual clock on the lock screen", votes=[UserFactory(), UserFactory()])
    make_idea(title="An idea of someone else")
    html = profile(client, tab="ideas")
    assert "Dual clock on the lock screen" in html and "2 votes" in html and "New" in html
    assert "someone else" not in html


def test_an_idea_whose_thread_is_hidden_is_not_listed(client, zhou):
    idea = make_idea(author=zhou, title="A hidden idea of Zhou")
    moderation.set_thread_flag(
        thread=idea.thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind=ModerationAction.Kind.HIDE_THREAD
    )
    assert "A hidden idea of Zhou" not in profile(client, tab="ideas")


# --- Four-cell reports ---------------------------------------------------------------


def test_others_see_which_builds_a_fan_reported_on_but_not_their_picks(client, zhou):
    release = published_release(items=3)
    submit(release, zhou, loved=0, weakest=1, why_loved="Secret reasons")
    html = profile(client, tab="reports")
    loved = release.changelog.order_by("position", "pk")[0].title
    assert f"{release.product.name} {release.version}" in html
    assert loved not in html and "Secret reasons" not in html and "Loved most" not in html


def test_the_fan_sees_their_own_picks(client, zhou):
    release = published_release(items=3)
    submit(release, zhou, loved=0, weakest=1, why_loved="Secret reasons")
    client.force_login(zhou)
    html = profile(client, tab="reports")
    items = list(release.changelog.order_by("position", "pk"))
    assert "Loved most" in html and items[0].title in html and items[1].title in html
    assert "Secret reasons" not in html  # comments are for the product managers' summary


def test_a_report_on_a_withdrawn_release_is_not_listed(client, zhou):
    release = published_release(items=3)
    submit(release, zhou)
    Release.objects.filter(pk=release.pk).update(state=Release.State.WITHDRAWN, withdrawn_at=release.published_at)
    assert release.version not in profile(client, tab="reports")


# --- Shipped -------------------------------------------------------------------------


def test_only_engineers_have_a_shipped_tab(client, zhou):
    UserFactory(username="wu_ming", roles=[Role.ENGINEER])
    assert "?tab=shipped" not in profile(client)
    assert "?tab=shipped" in profile(client, "wu_ming")


def test_an_engineers_shipped_items_of_unpublished_releases_are_not_listed(client):
    wu = UserFactory(username="wu_ming", roles=[Role.ENGINEER])
    builders.make_item(builders.make_release(), title="Shipped already", owners=[wu])
    builders.make_item(builders.make_release(state=Release.State.DRAFT), title="A draft's secret", owners=[wu])
    html = profile(client, "wu_ming", tab="shipped")
    assert "Shipped already" in html and "A draft&#x27;s secret" not in html and "secret" not in html


# --- Paging and bad input ------------------------------------------------------------


def test_a_tab_is_paged_by_twenty_with_newer_and_older_links(client, zhou):
    board = BoardFactory()
    for n in range(21):
        a_thread(board=board, author=zhou, title=f"Thread number {n:02}")
    first, second = profile(client, tab="threads"), profile(client, tab="threads", page="2")
    assert first.count("Thread number") == 20 and "Thread number 00" not in first
    assert 'href="?tab=threads&amp;page=2" rel="next"' in first and 'rel="prev"' not in first
    assert second.count("Thread number") == 1 and "Thread number 00" in second
    assert 'href="?tab=threads&amp;page=1" rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(
    "query",
    [
        {"page": "x"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"tab": "nope"},
        {"tab": "Threads"},
    ],
)
def test_bad_tabs_and_pages_show_the_first_page(client, zhou, query):
    a_thread(author=zhou, title="Thread of Zhou")
    assert "Thread of Zhou" in profile(client, **query)


# --- Queries -------------------------------------------------------------------------


def fill(tab, fan, count):
    if tab == "threads":
        board = BoardFactory()
        for n in range(count):
            a_thread(board=board, author=fan, title=f"Thread number {n}")
    elif tab == "posts":
        threads = [a_thread(title=f"Thread number {n}") for n in range(3)]
        for n in range(count):
            a_reply(threads[n % 3], fan, f"Reply number {n}")
    elif tab == "ideas":
        board, product = BoardFactory(), ProductFactory()
        area = FeatureAreaFactory(product=product)
        for n in range(count):
            proposing.propose_idea(
                board=board, author=fan, title=f"Idea number {n}", source=f"Idea text {n}", product=product, area=area
            )
    elif tab == "reports":
        make_reports(fan, count)
    else:
        release = builders.make_release()
        for _ in range(count):
            builders.make_item(release, owners=[fan])


# profile user (with their standing: points and level), their groups (prefetched), then one query for
# the tab: a page of rows and one more (threads with boards; replies with threads; ideas with threads and
# products; reports with releases and products), or for "shipped" items with releases and products, then
# voting's items received and awards; and their medals (honour.pages.profile_honours)
@pytest.mark.parametrize("tab, queries", [("threads", 4), ("posts", 4), ("ideas", 4), ("reports", 4), ("shipped", 6)])
@pytest.mark.parametrize("count", [1, 30])
def test_each_tab_costs_the_same_queries_however_much_activity(client, django_assert_num_queries, tab, queries, count):
    fan = UserFactory(username="zhou", roles=[Role.ENGINEER])
    fill(tab, fan, count)
    with django_assert_num_queries(queries):
        html = profile(client, tab=tab)
    assert ('rel="next"' in html) is (count > 20)


@pytest.mark.parametrize("count", [1, 30])
def test_the_fans_own_reports_cost_the_same_queries_however_many(
    client, django_assert_num_queries, settings, zhou, count
):
    make_reports(zhou, count)
    client.force_login(zhou)
    # (the session), signed-in user, then as above: profile user, groups, reports with releases, products
    # and picks; their medals; and the header's count of unread notifications
    with django_assert_num_queries(6 + session_queries(settings)):
        html = profile(client, tab="reports")
    assert html.count("Loved most") == min(count, 20)
