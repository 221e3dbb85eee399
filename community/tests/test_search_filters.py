"""The search page's filters (product, author, date range), its changelog items and people, the capped
count: each filter narrows, each kind is found, and nothing unpublished, withdrawn or inactive ever is."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, posting
from forum.tests.factories import BoardFactory, make_thread
from ideas.tests.factories import ideas_product, propose
from releases import preparing, publishing
from releases.tests.factories import announcements_board, make_release
from search import finding
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = reverse("search")


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def board():
    return BoardFactory(name="Feedback", slug="feedback")


def published_release(**fields):
    announcements_board()
    release = make_release(**fields)
    publishing.publish_release(release=release, immediately=True)
    return release


# Filters


def test_the_author_filter_keeps_only_their_posts(client, board):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    thread = make_thread(board=board, title="Battery thread", source="battery", author=alice)
    posting.reply(thread=thread, author=bob, source="battery too")
    assert "2 results" in search(client, q="battery")
    assert "1 result" in search(client, q="battery", author="bob")
    assert "1 result" in search(client, q="battery", author="@ALICE")  # as mentioned, any case


def test_an_unknown_author_says_so_and_finds_nothing(client, board):
    make_thread(board=board, title="Battery thread", source="battery")
    html = search(client, q="battery", author="nobody-here")
    assert "Nobody is called “nobody-here”" in html and "result" not in html


def test_the_date_range_is_of_whole_days_in_the_readers_zone(client, board):
    with time_machine.travel("2026-03-01 23:30:00+08:00"):  # 1 March in Shanghai (and in UTC)
        make_thread(board=board, title="Battery march", source="battery")
    with time_machine.travel("2026-03-02 00:30:00+08:00"):  # 2 March in Shanghai, still 1 March in UTC
        make_thread(board=board, title="Battery second", source="battery")
    client.force_login(UserFactory(time_zone="Asia/Shanghai"))
    html = search(client, q="battery", **{"from": "2026-03-01", "to": "2026-03-01"})
    assert "1 result" in html and "Battery march" in html.replace("<mark>", "").replace("</mark>", "")
    assert "2 results" in search(client, q="battery", **{"from": "2026-03-01"})
    assert "1 result" in search(client, q="battery", **{"from": "2026-03-02"})
    assert "0 results" in search(client, q="battery", to="2026-02-28")


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-02-30", "\u0661\u0662", "x" * 300])
def test_a_wrong_date_is_left_out_and_said(client, board, value):
    make_thread(board=board, title="Battery thread", source="battery")
    html = search(client, q="battery", **{"from": value})
    assert "1 result" in html and "A date was not understood" in html


def test_the_product_filter_keeps_its_ideas_and_changelog_items(client, board):
    product = ideas_product(name="Xiaomi 15", slug="xiaomi-15")
    other = ideas_product(name="Redmi", slug="redmi")
    propose(product, title="Battery saver schedule")
    propose(other, title="Battery saver for Redmi")
    make_thread(board=board, title="Battery chat", source="battery")
    assert "3 results" in search(client, q="battery")
    html = search(client, q="battery", product="xiaomi-15")
    assert "1 result" in html and "schedule" in html


def test_the_page_links_keep_every_filter(client, board):
    for n in range(25):
        make_thread(board=board, title=f"Battery {n}", source="battery")
    html = search(client, q="battery", board="feedback", author="", order="newest", **{"from": "2020-01-01"})
    assert "?q=battery&amp;board=feedback&amp;from=2020-01-01&amp;order=newest&amp;page=2" in html


# Changelog items


def test_a_published_releases_changelog_items_are_found(client):
    release = published_release(title="Spring update")
    item = release.changelog.get()
    html = search(client, q=item.title)
    assert "Changelog" in html and item.get_absolute_url() in html
    assert "1 result" in search(client, q=item.title, kind="change")


def test_a_draft_or_scheduled_releases_items_are_never_found(client):
    draft = make_release()
    scheduled = make_release(schedule=True)
    for release in (draft, scheduled):
        assert "0 results" in search(client, q=release.changelog.get().title)


def test_a_withdrawn_releases_items_leave_the_results(client):
    release = published_release()
    title = release.changelog.get().title
    # (Its announcement thread, which names the items, stays in the forum: a thread, not a changelog item.)
    assert "1 result" in search(client, q=title, kind="change")
    preparing.withdraw_release(release=release)
    assert "0 results" in search(client, q=title, kind="change")


# People


def test_people_are_found_by_username_and_display_name(client):
    person = UserFactory(username="lei_li", display_name="李雷")
    html = search(client, q="李雷", kind="person")
    assert "1 result" in html and reverse("profile", args=[person.username]) in html
    assert "1 result" in search(client, q="lei_li", kind="person")


def test_a_changed_display_name_is_found_and_the_old_one_not(client):
    person = UserFactory(username="meimei", display_name="韩梅梅")
    client.force_login(person)
    response = client.post(
        reverse("accounts:edit_profile"), {"display_name": "Mia Han", "city": "", "phone_model": "", "bio": ""}
    )
    assert response.status_code == 302
    assert "0 results" in search(client, q="韩梅梅", kind="person")
    assert "1 result" in search(client, q="mia", kind="person")


def test_an_inactive_account_is_never_found(client):
    person = UserFactory(username="gone_away")
    assert "1 result" in search(client, q="gone_away")
    person.is_active = False
    person.save()
    assert "0 results" in search(client, q="gone_away")


def test_signing_in_again_does_not_rewrite_the_persons_document(client, django_assert_num_queries):
    person = UserFactory(username="regular")
    person.last_login = person.date_joined
    with django_assert_num_queries(1):  # the UPDATE of last_login only
        person.save(update_fields=["last_login"])


# The capped count and the pool


def test_more_matches_than_the_pool_say_more_than_and_pages_end_there(client, board, monkeypatch):
    monkeypatch.setattr(finding, "POOL", 3)
    for n in range(5):
        make_thread(board=board, title=f"Battery {n}", source="battery")
    html = search(client, q="battery")
    assert "More than 3 results" in html
    assert html.count('class="result thread-row"') == 3


def test_hidden_documents_never_fill_the_pool(client, board, monkeypatch):
    """The audience and hidden flags are applied before the cap: three hidden newest threads do not push
    the visible one out of a pool of three, nor count."""
    monkeypatch.setattr(finding, "POOL", 3)
    mod = UserFactory(username="mod", roles=[Role.MODERATOR])
    make_thread(board=board, title="Battery visible", source="battery")
    for n in range(3):
        thread = make_thread(board=board, title=f"Battery hidden {n}", source="battery")
        moderation.set_thread_flag(thread=thread, moderator=mod, kind="hide_thread")
    html = search(client, q="battery")
    assert "1 result" in html and "visible" in html


def test_the_best_match_comes_first_among_the_pool(client, board):
    make_thread(board=board, title="Charging", source="a post that mentions battery once")
    make_thread(board=board, title="Battery battery", source="battery life and battery health")
    make_thread(board=board, title="Another", source="nothing")
    html = search(client, q="battery")
    assert html.index("<mark>Battery</mark> <mark>battery</mark>") < html.index(">Charging<")


# Queries


def test_changelog_items_and_people_cost_one_query_each(client, board, django_assert_num_queries):
    published_release()  # its item is called "Change <n>"
    UserFactory(username="change_maker")
    make_thread(board=board, title="Change of plans", source="x")
    # boards, products, the search, posts, changelog items, people
    with django_assert_num_queries(6):
        html = search(client, q="change")
    assert "Changelog" in html and "Thread" in html and "Person" in html


def test_an_author_filter_costs_one_query(client, board, django_assert_num_queries, settings):
    make_thread(board=board, title="Battery", source="battery", author=UserFactory(username="alice"))
    client.force_login(User.objects.get(username="alice"))
    search(client, q="battery")  # the reader's user row and unread count are cached from here on
    # the page's four, + the author's id
    with django_assert_num_queries(4 + 1 + session_queries(settings)):
        search(client, q="battery", author="alice")
