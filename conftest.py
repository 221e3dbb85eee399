"""Fixtures for the whole suite, and its order."""

import pytest
from django.core.cache import cache
from pytest_django.plugin import validate_django_db

from tests import parallel


def pytest_configure(config):
    # Several pytest processes may run the suite at once (make test: pytest -n): see tests/parallel.py.
    parallel.keep_redis_to_this_process()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked ``slow`` start first, so that with several workers (pytest -n) the run does not end
    with one worker finishing a long test alone. pytest-django has ordered the tests (in a rolled-back
    transaction, then transactional ones, then those without the database: a transactional test's
    flush empties the tables the others expect migrated rows in): a slow test moves to the front of
    its own part, or to the very front if it does not use the database."""

    def position(item) -> int:
        marker = item.get_closest_marker("django_db")
        transaction, reset_sequences = validate_django_db(marker)[:2] if marker else (False, False)
        if (
            transaction
            or reset_sequences
            or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        ):
            part = 1
        elif marker or "db" in getattr(item, "fixturenames", ()):
            part = 0
        else:
            return -1 if item.get_closest_marker("slow") else 2
        return part - 0.5 if item.get_closest_marker("slow") else part

    items.sort(key=position)


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    from forum import viewcounts

    # Uploaded files go to a per-test folder; rate-limit counters start empty.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Mails delivered from the queue land in django.core.mail.outbox, like those sent directly.
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    # Thread views earlier tests left in this process are not this test's, and its hold starts now:
    # without Redis the views held a minute go to the database with the next page view, adding
    # queries to whichever test views a page a minute after the last flush.
    viewcounts._take_memory()
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
