"""The search page: Chinese and English, short Chinese queries, filters, highlight, paging, and never a
result someone may not read: not in the results, the count or the snippets."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, posting
from forum.tests.factories import BoardFactory, make_thread
from ideas.tests.factories import ideas_product, propose
from search.models import Document
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


@pytest.fixture
def staff_board():
    moderators = Group.objects.get_or_create(name=Role.MODERATOR)[0]
    return BoardFactory(name="Staff room", slug="staff", read_roles=[moderators])


@pytest.fixture
def mod():
    return UserFactory(username="mod", roles=[Role.MODERATOR])


def test_an_english_query_finds_other_forms_of_the_word(client, board):
    make_thread(board=board, title="Stop charging at 80%", source="The battery keeps charging overnight.")
    html = search(client, q="charge")
    assert "Stop <mark>charging</mark> at 80%" in html and "1 result" in html


def test_a_chinese_query_finds_a_word_inside_a_longer_text(client, board):
    make_thread(board=board, title="充电到 80% 自动停止", source="希望增加一个开关，无线充电器也能用。")
    assert "自动<mark>停止</mark>" in search(client, q="停止")
    html = search(client, q="无线充电器")
    assert "1 result" in html and "<mark>无线充电器</mark>" in html


def test_one_and_two_character_chinese_queries_work(client, board):
    make_thread(board=board, title="夜间模式太暗了", source="晚上看不清")
    make_thread(board=board, title="Night mode", source="nothing in Chinese")
    assert "1 result" in search(client, q="暗")
    assert "1 result" in search(client, q="夜间")
    assert "0 results" in search(client, q="白天")


def test_a_reply_is_found_and_links_to_its_post(client, board):
    thread = make_thread(board=board, title="Camera thread", source="first")
    post = posting.reply(thread=thread, author=UserFactory(), source="The 夜景 mode is superb")
    html = search(client, q="superb")
    assert reverse("forum:post", args=[post.pk]) in html and "Reply" in html and "Camera thread" in html


def test_an_edit_changes_what_is_found(client, board):
    thread = make_thread(board=board, title="A title here", source="old words")
    post = thread.posts.get(floor=1)
    posting.edit_post(post=post, editor=post.author, source="brand new sentence")
    assert "0 results" in search(client, q="old")
    assert "1 result" in search(client, q="sentence")


def test_filters_by_kind_and_board(client, board):
    other = BoardFactory(name="Photos", slug="photos")
    thread = make_thread(board=board, title="Battery thread", source="battery first")
    posting.reply(thread=thread, author=UserFactory(), source="battery reply")
    make_thread(board=other, title="Battery photo", source="battery")
    assert "3 results" in search(client, q="battery")
    assert "1 result" in search(client, q="battery", kind="post")
    assert "2 results" in search(client, q="battery", board="feedback")
    assert "1 result" in search(client, q="battery", board="feedback", kind="thread")


def test_ideas_are_found_as_ideas(client):
    product = ideas_product()
    propose(product, title="充电到 80% 自动停止 Stop charging at 80%")
    html = search(client, q="充电", kind="idea")
    assert "1 result" in html and "Idea" in html


def test_newest_first_orders_by_date(client, board):
    make_thread(board=board, title="Older battery", source="battery")
    make_thread(board=board, title="Newer battery", source="battery")
    html = search(client, q="battery", order="newest")
    assert html.index("Newer <mark>battery") < html.index("Older <mark>battery")


# Who may see what


def test_a_staff_only_board_is_searched_by_its_readers_only(client, board, staff_board, mod):
    make_thread(board=staff_board, title="Secret roadmap", source="secret", author=mod)
    assert "0 results" in search(client, q="secret")
    assert "Staff room" not in search(client, q="secret")  # not even in the board filter
    client.force_login(UserFactory())
    assert "0 results" in search(client, q="secret", board="staff")
    client.force_login(mod)
    assert "1 result" in search(client, q="secret")


def test_a_hidden_thread_is_never_found_not_even_by_moderators_until_shown(client, board, mod):
    thread = make_thread(board=board, title="Spam offer", source="cheap watches")
    posting.reply(thread=thread, author=UserFactory(), source="more watches")
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="hide_thread")
    assert "0 results" in search(client, q="watches")
    client.force_login(mod)
    assert "0 results" in search(client, q="watches")
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="unhide_thread")
    assert "2 results" in search(client, q="watches")


def test_a_hidden_post_is_not_found_nor_counted_and_a_deleted_one_is_gone(client, board, mod):
    thread = make_thread(board=board, title="A thread", source="start")
    hidden = posting.reply(thread=thread, author=UserFactory(), source="rude remark")
    deleted = posting.reply(thread=thread, author=hidden.author, source="rude again")
    moderation.set_post_hidden(post=hidden, moderator=mod, hidden=True)
    posting.delete_post(post=deleted, actor=deleted.author)
    html = search(client, q="rude")
    assert "0 results" in html and "remark" not in html
    assert not Document.objects.filter(kind="post", object_id=deleted.pk).exists()
    moderation.set_post_hidden(post=hidden, moderator=mod, hidden=False)
    assert "1 result" in search(client, q="rude")


def test_a_hidden_post_stays_hidden_when_its_thread_is_hidden_and_shown(client, board, mod):
    thread = make_thread(board=board, title="A thread", source="start")
    moderation.set_post_hidden(post=posting.reply(thread=thread, author=mod, source="rude"), moderator=mod, hidden=True)
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="hide_thread")
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="unhide_thread")
    assert "0 results" in search(client, q="rude")


def test_a_thread_moved_into_a_staff_only_board_leaves_the_results(client, board, staff_board, mod):
    thread = make_thread(board=board, title="Leaked build", source="leak", author=mod)
    posting.reply(thread=thread, author=UserFactory(), source="leak too")
    assert "2 results" in search(client, q="leak")
    moderation.move_thread(thread=thread, moderator=mod, board=staff_board)
    assert "0 results" in search(client, q="leak")
    client.force_login(mod)
    assert "2 results" in search(client, q="leak", board="staff")


def test_a_reply_by_a_moderator_to_a_hidden_thread_is_not_found(client, board, mod):
    thread = make_thread(board=board, title="A thread", source="start")
    moderation.set_thread_flag(thread=thread, moderator=mod, kind="hide_thread")
    posting.reply(thread=thread, author=mod, source="cleanup note")
    assert "0 results" in search(client, q="cleanup")


# Bad input: a clear page, never a 500


@pytest.mark.parametrize("q", ['& | ! : * ( ) "', "!!!", "'", "a:*", "((", '"', "充电 & | !"])
def test_operators_and_punctuation_give_a_page(client, board, q):
    make_thread(board=board, title="充电 charging", source="x")
    html = search(client, q=q)
    assert "Search" in html


def test_an_empty_query_shows_the_form(client):
    assert "Search threads, replies, ideas" in search(client, q="")
    assert "Search threads, replies, ideas" in search(client)


def test_only_stop_words_say_so(client):
    assert "too common" in search(client, q="the of and")


def test_a_thousand_characters_are_cut_and_said(client, board):
    make_thread(board=board, title="Battery life", source="battery")
    html = search(client, q="battery " + "x" * 1000)
    assert "Only the first 100 characters" in html


def test_a_nul_in_the_query_is_a_400_page(client):
    response = client.get(URL + "?q=a%00b")
    assert response.status_code == 400


def test_a_page_far_past_the_end_says_where_the_results_end(client, board):
    make_thread(board=board, title="Battery life", source="battery")
    for page in ["999999999999999999999", "50", "-3", "x"]:
        html = search(client, q="battery", page=page)
        assert "1 result" in html
    assert "There is no page 50" in search(client, q="battery", page="50")


def test_unknown_filters_are_ignored(client, board):
    make_thread(board=board, title="Battery life", source="battery")
    assert "1 result" in search(client, q="battery", kind="nope", board="nope", order="nope")


def test_anonymous_searches_are_rate_limited_with_retry_after(client, settings):
    settings.SEARCH_RATE_ANONYMOUS = "2/m"
    search(client, q="a")
    search(client, q="b")
    response = client.get(URL, {"q": "c"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    client.force_login(UserFactory())
    assert client.get(URL, {"q": "d"}).status_code == 200


def test_the_header_has_a_search_box(client):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{URL}"' in html and 'name="q"' in html


# Queries


@pytest.mark.parametrize("threads", [1, 25])
def test_the_page_costs_the_same_queries_whatever_is_found(client, board, django_assert_num_queries, settings, threads):
    for n in range(threads):
        thread = make_thread(board=board, title=f"Battery thread {n}", source="battery", author=UserFactory())
        posting.reply(thread=thread, author=UserFactory(), source="battery reply")
    # boards the reader may read, count, one page of hits, their posts and authors
    with django_assert_num_queries(4):
        search(client, q="battery")
    client.force_login(UserFactory())
    # + session, user, and the header's unread count
    with django_assert_num_queries(4 + session_queries(settings) + 2):
        search(client, q="battery")


def test_runs_on_this_database():
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_page_speaks_chinese(client, board, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    make_thread(board=board, title="Battery life", source="battery")
    response = client.get(URL, {"q": "battery"}, headers={"accept-language": "zh-hans"})
    html = response.content.decode()
    assert "1 条结果" in html and "最相关优先" in html and "所有版块" in html and "主题" in html
    assert "Best match first" not in html and "All boards" not in html
