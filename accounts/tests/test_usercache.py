"""The signed-in user kept in the cache (accounts.usercache): the same user, never a stale one."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import activity, backends, profiles, usercache
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def kept(user_id) -> User:
    """The user as a request loads it once it is kept (the first load reads the database and keeps it)."""
    backends.load_user(user_id)
    with CaptureQueriesContext(connection) as queries:
        user = backends.load_user(user_id)
    assert len(queries) == 0
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_password_hash_stays_out_of_the_cache_and_is_read_when_asked_for():
    user = UserFactory()
    loaded = kept(user.pk)
    _, _, names = backends._compiled("default")
    stored = cache.get(usercache._row_key(user.pk, names))
    assert stored is not None and user.password not in repr(stored)
    assert loaded.get_session_auth_hash() == user.get_session_auth_hash()
    with CaptureQueriesContext(connection) as queries:
        assert loaded.check_password(PASSWORD)
    assert len(queries) == 1  # the deferred password


def test_a_signed_in_request_reads_the_user_once_then_keeps_it():
    client = signed_in(UserFactory())
    client.get("/settings/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/settings/").status_code == 200
    assert not [query for query in queries if 'FROM "accounts_user"' in query["sql"]]


def test_a_saved_change_shows_on_the_next_request():
    user = UserFactory(display_name="Before")
    client = signed_in(user)
    assert "Before" in client.get("/settings/").content.decode()
    user.display_name = "After"
    user.save()
    html = client.get("/settings/").content.decode()
    assert "After" in html and "Before" not in html


def test_an_updated_row_shows_on_the_next_request():
    user = UserFactory(display_name="Before")
    client = signed_in(user)
    client.get("/settings/")
    profiles.update_profile(user=User.objects.get(pk=user.pk), display_name="After", city="", phone_model="", bio="")
    assert kept(user.pk).display_name == "After"
    User.objects.filter(pk=user.pk).update(time_zone="America/New_York")
    assert kept(user.pk).time_zone == "America/New_York"


def test_a_new_password_signs_out_the_other_sessions():
    user = UserFactory()
    client = signed_in(user)
    assert client.get("/settings/").status_code == 200
    user.set_password("a-new-long-password-2026")
    user.save()
    assert client.get("/settings/").status_code == 302


def test_a_deleted_user_is_signed_out():
    user = UserFactory()
    client = signed_in(user)
    assert client.get("/settings/").status_code == 200
    User.objects.filter(pk=user.pk).delete()
    assert client.get("/settings/").status_code == 302


def test_the_day_marked_active_is_kept_so_the_next_request_writes_nothing():
    user = UserFactory(last_active_on=None)
    client = signed_in(user)
    client.get("/settings/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/settings/")
    assert not [query for query in queries if query["sql"].startswith("UPDATE")]
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.get("/settings/")
        assert User.objects.get(pk=user.pk).last_active_on == activity.site_today()
        with CaptureQueriesContext(connection) as queries:
            client.get("/settings/")
        assert not [query for query in queries if query["sql"].startswith("UPDATE")]


def test_a_row_read_before_a_change_is_never_kept_as_current():
    user = UserFactory(display_name="Old")
    _, _, names = backends._compiled("default")

    def read_while_the_name_changes():
        values = [getattr(User.objects.get(pk=user.pk), name) for name in names]  # the old row...
        User.objects.filter(pk=user.pk).update(display_name="New")  # ...then a change commits
        return values

    build = lambda names, values: User.from_db("default", names, values)  # noqa: E731
    assert usercache.load(user.pk, names, read_while_the_name_changes, build).display_name == "Old"
    assert kept(user.pk).display_name == "New"


def test_rows_of_another_shape_are_not_read():
    user = UserFactory()
    _, _, names = backends._compiled("default")
    backends.load_user(user.pk)
    assert usercache._row_key(user.pk, names) != usercache._row_key(user.pk, names[:-1])
    assert cache.get(usercache._row_key(user.pk, names[:-1])) is None


def test_a_kept_user_saved_whole_keeps_its_password():
    user = UserFactory()
    loaded = kept(user.pk)
    loaded.display_name = "Saved"
    loaded.save()
    saved = User.objects.get(pk=user.pk)
    assert saved.display_name == "Saved" and saved.check_password(PASSWORD)


def test_a_new_secret_key_moves_sessions_to_it_as_without_the_cache(settings):
    from django.contrib.auth import HASH_SESSION_KEY

    user = UserFactory()
    client = signed_in(user)
    assert client.get("/settings/").status_code == 200  # kept now, with its session hash under the old key
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-secret-key-" + "x" * 40, [old_key]
    assert client.get("/settings/").status_code == 200  # the old key is a fallback: still signed in...
    # ...and Django moved the session to the new key's hash, which a hash kept under the old key would skip
    assert client.session[HASH_SESSION_KEY] == User.objects.get(pk=user.pk).get_session_auth_hash()
