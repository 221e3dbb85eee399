"""PostgreSQL down, restarting or read-only: a styled 503 with Retry-After, never a 500; reads keep working
on a read-only database; the next request after recovery works. On PostgreSQL (SQLite cannot be taken
down or made read-only from outside)."""

from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.activity import site_today
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from canyu import outages
from forum.models import Post
from forum.tests.factories import make_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL"),
]

READ_ONLY_TEXT = "参与暂时只能阅读"
DOWN_TEXT = "数据库正在重启或暂时连不上"


@contextmanager
def read_only_database():
    """What a fail-over looks like from here: every new connection is read-only until it is over."""
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    connection.close()
    try:
        yield
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = off")
            cursor.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        connection.close()


@contextmanager
def database_down():
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def visitor() -> Client:
    # Errors raised in middleware reach handler500 (which answers 503) after Django has signalled them;
    # a browser sees only the response, and so does this client.
    return Client(raise_request_exception=False)


def signed_in(user) -> Client:
    client = visitor()
    client.force_login(user)
    return client


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def reply(client, thread):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"source": "Still here?"})


def assert_outage_page(response, text):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert text in html and '<link rel="stylesheet" href="/static/css/canyu.css">' in html


def test_a_read_only_database_keeps_reading_and_answers_every_write_with_the_read_only_page():
    thread = make_thread()
    fan = UserFactory(last_active_on=site_today() - timedelta(days=1))  # their first request of the day writes
    reader, other = signed_in(fan), UserFactory()
    with read_only_database():
        assert visitor().get(thread.get_absolute_url()).status_code == 200
        assert reader.get(thread.get_absolute_url()).status_code == 200  # active day and unread mark skipped
        assert_outage_page(sign_in(visitor(), other), READ_ONLY_TEXT)
        assert_outage_page(reply(reader, thread), READ_ONLY_TEXT)
    assert Post.objects.filter(thread=thread).count() == 1
    assert User.objects.get(pk=fan.pk).last_active_on < site_today()


def test_sign_in_on_a_read_only_database_answers_the_read_only_page():
    fan = UserFactory()
    with read_only_database():
        response = sign_in(visitor(), fan)
    assert_outage_page(response, READ_ONLY_TEXT)


def test_healthz_says_read_only_while_the_database_is():
    with read_only_database():
        response = visitor().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "read-only" and response.json()["database"] == "read-only"
    assert visitor().get("/healthz").json()["database"] == "ok"


def test_after_a_read_only_spell_sign_in_and_posting_work_again():
    thread = make_thread()
    fan = UserFactory()
    client = visitor()
    with read_only_database():
        assert sign_in(client, fan).status_code == 503
    assert sign_in(client, fan).status_code == 302
    assert reply(client, thread).status_code == 302
    assert Post.objects.filter(thread=thread).count() == 2


def test_a_database_that_is_down_answers_503_for_visitors_and_signed_in_users():
    fan = UserFactory()
    client = signed_in(fan)
    with database_down():
        anonymous = visitor().get(reverse("forum:index"))  # fails in the view
        member = client.get(reverse("forum:index"))  # fails in middleware, loading the session
    assert_outage_page(anonymous, DOWN_TEXT)
    assert_outage_page(member, DOWN_TEXT)
    assert client.get(reverse("forum:index")).status_code == 200


def test_a_connection_the_server_ended_is_not_reused():
    """A restart ends every connection. (Between requests Django's health check replaces it too; the test
    client skips that check, so the request that meets the dead connection is the one that must cope.)"""
    thread = make_thread()
    fan = UserFactory()
    client = signed_in(fan)
    assert client.get(thread.get_absolute_url()).status_code == 200
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = client.get(thread.get_absolute_url())
    assert_outage_page(response, DOWN_TEXT)
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert reply(client, thread).status_code == 302


@pytest.mark.urls("canyu.tests.extra_urls")
def test_a_page_read_that_changes_the_session_is_still_shown_on_a_read_only_database():
    with read_only_database():
        response = visitor().get("/remember/")
    assert (response.status_code, response.content) == (200, b"Seen")
    assert visitor().get("/remember/").cookies.get("sessionid")  # saved again once writable


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])  # a deadlock broken, a serialization failure
def test_a_transaction_the_database_rolled_back_answers_503_to_try_again(rf, sqlstate):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's SQLSTATE")
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'rolled back' USING ERRCODE = '{sqlstate}'; END $$")
    assert outages.is_outage(raised.value)
    response = outages.outage_response(rf.get("/"), raised.value)
    assert response.status_code == 503 and int(response["Retry-After"]) > 0


def test_a_prepared_statement_a_migration_made_stale_answers_503_once_then_works():
    """A migration run while the site serves changes a column's type: PostgreSQL refuses the prepared
    statements that read it ("cached plan must not change result type") once (DB_PREPARE_THRESHOLD)."""
    thread = make_thread()
    client = visitor()
    for _ in range(8):  # the page's entry query is prepared on this connection
        assert client.get(thread.get_absolute_url()).status_code == 200
    params = connection.get_connection_params()
    other_params = {k: v for k, v in params.items() if k not in ("cursor_factory", "prepare_threshold")}
    with psycopg.connect(**other_params, autocommit=True) as other:
        other.execute("ALTER TABLE forum_thread ALTER COLUMN reply_count TYPE bigint")
        try:
            assert_outage_page(client.get(thread.get_absolute_url()), DOWN_TEXT)
            assert client.get(thread.get_absolute_url()).status_code == 200
        finally:
            connection.close()
            other.execute("ALTER TABLE forum_thread ALTER COLUMN reply_count TYPE integer")


def test_a_task_that_meets_a_stale_plan_leaves_a_connection_the_next_task_can_use():
    """Outside a transaction nothing rolls back (a rollback makes psycopg forget its prepared statements):
    without the worker closing its connection, every later run of the statement would fail too. (Eager
    tasks raise without Celery's failure signal; a worker sends it with the task's exception.)"""
    from celery import signals

    from forum import tasks

    thread = make_thread()
    post = thread.posts.get()
    for _ in range(8):  # the thread's SELECT, outside a transaction, is prepared on this connection
        tasks.notify_about_like.delay(post.pk, thread.author_id)
    params = connection.get_connection_params()
    other_params = {k: v for k, v in params.items() if k not in ("cursor_factory", "prepare_threshold")}
    with psycopg.connect(**other_params, autocommit=True) as other:
        other.execute("ALTER TABLE forum_thread ALTER COLUMN reply_count TYPE bigint")
        try:
            with pytest.raises(DatabaseError) as raised:
                tasks.notify_about_like.delay(post.pk, thread.author_id)
            assert outages.is_stale_plan(raised.value)
            signals.task_failure.send(sender=tasks.notify_about_like, task_id="1", exception=raised.value)
            tasks.notify_about_like.delay(post.pk, thread.author_id)  # connects again
        finally:
            connection.close()
            other.execute("ALTER TABLE forum_thread ALTER COLUMN reply_count TYPE integer")
