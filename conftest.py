"""Fixtures for the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    # Uploaded files go to a per-test folder; rate-limit counters start empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Mails delivered from the queue land in django.core.mail.outbox, like those sent directly.
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request):
    """Tasks run eagerly in the test process, also when REDIS_URL is set (CI),
    so a test sees what its tasks did. Tests marked ``celery_worker`` talk to
    real worker processes through Redis instead."""
    from celery._state import _set_task_join_will_block

    from canyu.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
    # Celery marks "inside a task" in one process-wide flag around each eager task. Eager tasks
    # run in two threads at once (the race tests) can leave it set, and a later test's
    # result.get() then refuses with "Never call result.get() within a task!".
    _set_task_join_will_block(False)


@pytest.fixture
def fan(client, db):
    """An established fan, "ada", signed in on `client`."""
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="ada")
    client.force_login(user)
    return user


@pytest.fixture
def in_english(settings):
    """For tests that match texts in English: the site's default language is Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
