"""Deep pages read by index ranges (post floors, the board's index) show what OFFSET showed, at page 1's cost."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import moderation, pages, posting
from forum.models import Post, Thread
from forum.tests.factories import BoardFactory, make_thread
from forum.tests.test_page_queries import count_queries
from tests.concurrency import run_at_once

PER_PAGE = 3
PAGE_NUMBERS = ["1", "2", "3", "4", "5", "6", None, "", "0", "abc", "99"]


@pytest.fixture
def small_pages(monkeypatch):
    """Three posts or threads a page: deep pages without hundreds of rows."""
    monkeypatch.setattr(pages, "POSTS_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(pages, "THREADS_PER_PAGE", PER_PAGE)


def readers():
    return {
        "visitor": Client().get("/").wsgi_request.user,
        "fan": UserFactory(),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
    }


def thread_with_gaps(moderator):
    """16 posts; fans do not see floors 2, 3 (deleted), 7 (hidden), 9 and 16 (deleted): pages start on a gap."""
    thread = make_thread(replies=15, repliers=[UserFactory(), UserFactory()])
    by_floor = {post.floor: post for post in thread.posts.all()}
    for floor in (2, 3, 9, 16):
        posting.delete_post(post=by_floor[floor], actor=moderator)
    moderation.set_post_hidden(post=by_floor[7], moderator=moderator, hidden=True)
    return Thread.objects.get(pk=thread.pk)


def offset_thread_page(user, thread, number):
    """The page as the OFFSET version read it: the visible posts in id order, sliced."""
    return [post.pk for post in Paginator(pages.visible_posts(user, thread).order_by("id"), PER_PAGE).get_page(number)]


@pytest.mark.django_db
def test_thread_pages_show_the_posts_offset_showed(small_pages):
    people = readers()
    thread = thread_with_gaps(people["moderator"])
    for kind, user in people.items():
        for number in PAGE_NUMBERS:
            shown = [row["id"] for row in pages.thread_page(user, thread, number).object_list]
            assert shown == offset_thread_page(user, thread, number), (kind, number)


@pytest.mark.django_db
def test_thread_pages_count_as_offset_counted(small_pages):
    people = readers()
    thread = thread_with_gaps(people["moderator"])
    assert pages.thread_page(people["fan"], thread, "1").paginator.num_pages == 4  # 11 posts fans see
    assert pages.thread_page(people["moderator"], thread, "1").paginator.num_pages == 6  # all 16


@pytest.mark.django_db
def test_a_hidden_first_post_moves_the_fans_first_page_on(small_pages):
    people = readers()
    thread = make_thread(replies=4)
    moderation.set_post_hidden(post=thread.posts.get(floor=1), moderator=people["moderator"], hidden=True)
    thread = Thread.objects.get(pk=thread.pk)  # as a request reads it: thread_page reads its counters
    for number in ("1", "2"):
        shown = [row["id"] for row in pages.thread_page(people["fan"], thread, number).object_list]
        assert shown == offset_thread_page(people["fan"], thread, number)


@pytest.mark.django_db
def test_a_permalink_leads_to_the_page_showing_its_post(small_pages):
    people = readers()
    thread = thread_with_gaps(people["moderator"])
    for kind, user in people.items():
        for post in pages.visible_posts(user, thread):
            page = pages.page_of_post(user, post)
            assert post.pk in offset_thread_page(user, thread, page), (kind, post.floor)


@pytest.mark.django_db
def test_a_permalink_redirects_to_its_page_after_deleted_posts(client, small_pages):
    moderator = UserFactory(roles=[Role.MODERATOR])
    thread = thread_with_gaps(moderator)
    post = thread.posts.get(floor=11)  # fans see floors 1 4 5, 6 8 10, 11...: page 3
    response = client.get(post.get_absolute_url())
    assert response.url == f"{thread.get_absolute_url()}?page=3#p{post.pk}"
    assert f'id="p{post.pk}"' in client.get(response.url).content.decode()


def offset_board_page(user, board, number):
    """The page as the OFFSET version read it, and how many pages it counted."""
    threads = (
        Thread.objects.visible_to(user, moderator=user.has_perm("accounts.moderate_forum"))
        .filter(board=board)
        .order_by("-pinned", "-last_activity_at", "-id")
    )
    page = Paginator(threads, PER_PAGE).get_page(number)
    return [thread.pk for thread in page], page.paginator.num_pages


@pytest.mark.django_db
def test_board_pages_show_the_threads_offset_showed(small_pages):
    people = readers()
    board = BoardFactory()
    threads = [make_thread(board=board, title=f"Thread number {i}") for i in range(13)]
    moved_in = make_thread(title="Moved here")
    for thread in threads[2], threads[7]:
        moderation.set_thread_flag(thread=thread, moderator=people["moderator"], kind=moderation.Kind.PIN)
    for thread in threads[4], threads[5], threads[11]:
        moderation.set_thread_flag(thread=thread, moderator=people["moderator"], kind=moderation.Kind.HIDE_THREAD)
    # Equal activity times: the id decides, as it did.
    Thread.objects.filter(pk__in=[t.pk for t in threads[8:11]]).update(last_activity_at=timezone.now())
    posting.reply(thread=threads[0], author=people["fan"], source="A bump")
    moderation.move_thread(thread=moved_in, moderator=people["moderator"], board=board)
    board.refresh_from_db()  # its thread count, as the page reads it
    for kind, user in people.items():
        for number in PAGE_NUMBERS:
            page = pages.board_page(user, board, number)
            shown = [row["id"] for row in page.object_list]
            assert (shown, page.paginator.num_pages) == offset_board_page(user, board, number), (kind, number)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["visitor", "fan", "moderator"])
def test_a_deep_thread_page_runs_as_many_queries_as_page_one(small_pages, reader):
    thread = make_thread(replies=14)
    counts = []
    for number in ("1", "5"):
        client = Client()
        if reader != "visitor":
            client.force_login(UserFactory(roles=[Role.MODERATOR] if reader == "moderator" else []))
        counts.append(count_queries(client, f"{thread.get_absolute_url()}?page={number}"))
    assert counts[0] == counts[1]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["visitor", "fan", "moderator"])
def test_a_deep_board_page_runs_as_many_queries_as_page_one(small_pages, reader):
    board = BoardFactory()
    for i in range(14):
        make_thread(board=board, title=f"Thread number {i}")
    counts = []
    for number in ("1", "5"):
        client = Client()
        if reader != "visitor":
            client.force_login(UserFactory(roles=[Role.MODERATOR] if reader == "moderator" else []))
        counts.append(count_queries(client, f"{board.get_absolute_url()}?page={number}"))
    assert counts[0] == counts[1]


def floors_of(thread):
    return list(Post.objects.filter(thread=thread).order_by("id").values_list("floor", flat=True))


@pytest.mark.django_db
def test_a_refused_reply_leaves_no_gap_in_the_floors(settings):
    thread = make_thread(replies=1)
    newcomer = UserFactory(date_joined=timezone.now())
    settings.FORUM_NEW_ACCOUNT_MAX_LINKS = 0
    # Refused after the UPDATE that moved last_floor (the links are counted while rendering): rolled back with it.
    with pytest.raises(posting.PostingRefused):
        posting.reply(thread=thread, author=newcomer, source="see https://example.com")
    posting.reply(thread=thread, author=UserFactory(), source="Welcome")
    assert floors_of(thread) == [1, 2, 3]
    assert Thread.objects.get(pk=thread.pk).last_floor == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_take_unique_floors_without_gaps():
    threads = [make_thread(), make_thread()]
    fans = [UserFactory() for _ in range(6)]
    # A different text per thread: the same text twice within minutes is a duplicate (forum.posting).
    run_at_once(
        [
            lambda thread=thread, fan=fan: posting.reply(thread=thread, author=fan, source=f"Me too in {thread.pk}")
            for fan in fans
            for thread in threads
        ]
    )
    for thread in threads:
        assert floors_of(thread) == list(range(1, 8))
        assert Thread.objects.get(pk=thread.pk).last_floor == 7


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_existing_posts_in_each_thread():
    before, after = [("forum", "0005_daily_caps")], [("forum", "0006_positions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        author_id = UserFactory().pk  # the accounts app as it is now: this migration leaves it alone
        board = old.get_model("forum", "Board").objects.create(name="Old board", slug="old")
        OldThread, OldPost = old.get_model("forum", "Thread"), old.get_model("forum", "Post")
        first, second, empty = (
            OldThread.objects.create(board=board, author_id=author_id, title=title)
            for title in ("First thread", "Second thread", "No posts left")
        )
        # Interleaved, as replies arrive; a deleted and a hidden post keep their place.
        for thread, state in [
            (first, {}),
            (second, {}),
            (first, {"deleted_at": timezone.now()}),
            (second, {}),
            (first, {"hidden": True}),
            (first, {}),
        ]:
            OldPost.objects.create(thread=thread, author_id=author_id, source="Text", html="<p>Text</p>", **state)

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        assert floors_of(first.pk) == [1, 2, 3, 4]
        assert floors_of(second.pk) == [1, 2]
        assert dict(Thread.objects.values_list("pk", "last_floor")) == {first.pk: 4, second.pk: 2, empty.pk: 0}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
