"""The signed-in user loaded by accounts.backends is the user the ORM loads."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import activity, backends
from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kept", [False, True], ids=["read", "kept"])
def test_the_loaded_user_is_the_orms_field_by_field(kept):
    user = UserFactory(display_name="小王", phone_model="Xiaomi 14", time_zone="Europe/Berlin", language="en")
    activity.mark_active(user)
    if kept:
        backends.load_user(user.pk)  # read, and kept for the next (accounts.usercache)
    with CaptureQueriesContext(connection) as queries:
        loaded = backends.load_user(user.pk)
    assert len(queries) == (0 if kept else 1)
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        if kept and field.attname == "password":
            continue  # not kept: read when asked for (test_usercache)
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert loaded.date_joined.tzinfo is not None
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_the_loaded_user_can_be_saved_and_has_its_roles():
    user = UserFactory()
    loaded = backends.load_user(user.pk)
    loaded.display_name = "Renamed"
    loaded.save(update_fields=["display_name"])
    assert User.objects.get(pk=user.pk).display_name == "Renamed"
    assert list(loaded.groups.all()) == list(user.groups.all())


@pytest.mark.parametrize("user_id", [987654, "not a number", None])
def test_nobody_is_loaded_for_an_unknown_or_broken_id(user_id):
    assert backends.load_user(user_id) is None


def test_a_deactivated_user_is_signed_out():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get("/settings/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/settings/").status_code == 302


def test_a_session_loads_its_user_with_one_query(rf, django_assert_num_queries):
    from django.contrib import auth

    user = UserFactory()
    client = Client()
    client.force_login(user)
    request = rf.get("/")
    request.session = client.session
    assert request.session[auth.BACKEND_SESSION_KEY].startswith("accounts.backends.")
    # the user (the session was read above)
    with django_assert_num_queries(1):
        assert auth.get_user(request) == user
