"""Queries compiled once give what the ORM gives (canyu.compiledqueries)."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from canyu import compiledqueries
from forum import pages
from forum.models import Post
from forum.tests.factories import make_thread

pytestmark = pytest.mark.django_db


def posts_from(thread_id, floor):
    posts = Post.objects.filter(thread_id=thread_id).filter(floor__gte=floor)
    return posts.order_by("floor").values(*pages.POST_COLUMNS)


def test_a_compiled_query_gives_the_orms_rows_for_new_values():
    first, second = make_thread(replies=3), make_thread(replies=5)
    name = "test:posts_from"
    compiledqueries._COMPILED.pop((name, "default"), None)
    assert compiledqueries.value_rows(name, Post, posts_from, [first.pk, 2]) == list(posts_from(first.pk, 2))
    assert compiledqueries._COMPILED[(name, "default")] is not None  # kept, and used below
    assert compiledqueries.value_rows(name, Post, posts_from, [second.pk, 4]) == list(posts_from(second.pk, 4))


def test_equal_values_wait_for_a_call_that_tells_the_parameters_apart():
    thread = make_thread(replies=3)
    name = "test:equal values"
    compiledqueries._COMPILED.pop((name, "default"), None)
    same = [thread.pk, thread.pk]
    assert compiledqueries.value_rows(name, Post, posts_from, same) == list(posts_from(*same))
    assert (name, "default") not in compiledqueries._COMPILED


def test_a_query_whose_sql_holds_other_values_runs_through_the_orm():
    thread = make_thread(replies=3)
    name = "test:other values"
    compiledqueries._COMPILED.pop((name, "default"), None)

    def with_constant(thread_id, floor):
        return posts_from(thread_id, floor).filter(like_count__lt=1000)

    rows = compiledqueries.value_rows(name, Post, with_constant, [thread.pk, 2])
    assert rows == list(with_constant(thread.pk, 2)) and compiledqueries._COMPILED[(name, "default")] is None


def test_a_query_whose_parameters_come_in_another_order_runs_through_the_orm():
    thread = make_thread(replies=3)
    name = "test:other order"
    compiledqueries._COMPILED.pop((name, "default"), None)

    def sorted_keywords(thread_id, floor):  # filter() sorts its keywords: floor's parameter comes first
        return Post.objects.filter(thread_id=thread_id, floor__gte=floor).values("id")

    rows = compiledqueries.value_rows(name, Post, sorted_keywords, [thread.pk, 2])
    assert rows == list(sorted_keywords(thread.pk, 2)) and compiledqueries._COMPILED[(name, "default")] is None


@pytest.mark.parametrize("moderator", [False, True])
def test_the_thread_pages_posts_are_compiled(moderator):
    make_thread()
    thread = make_thread(replies=3)  # not the first: its id and floor 1 differ
    name = f"forum.pages.thread_page:{pages.POSTS_PER_PAGE}:{'moderator' if moderator else 'fan'}"
    compiledqueries._COMPILED.pop((name, "default"), None)
    reader = UserFactory(roles=[Role.MODERATOR] if moderator else [])
    assert len(pages.thread_page(reader, thread, "1").object_list) == 4
    assert compiledqueries._COMPILED[(name, "default")] is not None


def test_a_page_entry_read_again_and_again_is_planned_once_by_postgresql(settings):
    """Prepared statements (DB_PREPARE_THRESHOLD): PostgreSQL keeps the entry query's plan for the connection."""
    from django.db import connection

    from forum import access

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    thread = make_thread()
    for _ in range(settings.DB_PREPARE_THRESHOLD + 1):
        assert access.thread_entry(thread.pk).object_id == thread.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [statement for (statement,) in cursor.fetchall()]
    assert any("audience_version" in statement and "$1" in statement for statement in statements), statements
