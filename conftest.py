"""Fixtures for the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    # Uploaded files go to a per-test folder; rate-limit counters start empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fan(client, db):
    """An established fan, "ada", signed in on `client`."""
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="ada")
    client.force_login(user)
    return user
