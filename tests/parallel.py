"""What each pytest process keeps to itself when the suite runs in several at once (``pytest -n 2``,
pytest-xdist: ``make test`` does).

Each process (a "worker": gw0, gw1...) already has its own test database: pytest-django names it
test_<name>_gw0, test_<name>_gw1... (on SQLite each has its own in memory). The spare ports tests
listen on (the live server, SMTP servers, private redis-servers) are the kernel's, and files go
under each test's ``tmp_path``. What they would still share is Redis, when REDIS_URL is set (CI):

- The cache: each worker's keys start with CACHE_KEY_PREFIX and its name (``canyu-gw0:``), and
  ``cache.clear()`` deletes the keys under this process's prefix only. django-redis's own clear is
  FLUSHDB, which would empty the other workers' cache (sessions, page copies, rate-limit counts)
  in the middle of their tests.
- The thread views waiting in Redis (forum.viewcounts): a hash of thread id to views under a fixed
  name, which every worker would add its threads' views to (thread 5 of one test database is not
  thread 5 of the other). It gets a name under the worker's prefix.
- Celery's queue (CELERY_QUEUE): tasks run in the test process (the root conftest); the real
  workers of ``celery_worker`` tests listen on a queue of their own or a redis-server of their own.
  Their queue gets the worker's name all the same.

The names also go into the environment, for the processes tests start (manage.py, celery workers).
"""

import os

from django.conf import settings


def worker_name() -> str | None:
    """This process's name when the suite runs in several ("gw0"...), None when it runs in one."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def keep_redis_to_this_process() -> None:
    """Called once per pytest process, before the first test: see the module."""
    worker = worker_name()
    if worker:
        queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{worker}"
        settings.CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_QUEUE"] = queue
        from canyu.celery import app

        app.conf.task_default_queue = queue
    if not settings.REDIS_URL:
        return
    cache = settings.CACHES["default"]
    if worker:
        cache["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"] = f"{cache.get('KEY_PREFIX', '')}-{worker}"
    # Under the cache's prefix, so cache.clear() empties it too; with the default prefix ("canyu")
    # it is the name production uses.
    from forum import viewcounts

    viewcounts.REDIS_KEY = f"{cache.get('KEY_PREFIX', '')}:forum:views"
    _reset_cache_connections()
    _clear_only_own_keys()


def _reset_cache_connections() -> None:
    # As Django does when a test changes CACHES (django.test.signals.clear_cache_handlers), in case
    # something opened the cache before this ran.
    from asgiref.local import Local
    from django.core.cache import caches

    caches._settings = caches.settings = caches.configure_settings(None)
    caches._connections = Local()


def _clear_only_own_keys() -> None:
    from django_redis.client import default
    from django_redis.exceptions import ConnectionInterrupted

    def clear(self, client=None) -> None:
        """Delete the keys under this cache's prefix (django-redis's clear is FLUSHDB: every key of
        the database, the other pytest processes' too)."""
        if client is None:
            client = self.get_client(write=True)
        prefix = self._backend.key_prefix
        pattern = "".join("\\" + c if c in "*?[]\\" else c for c in prefix) + ":*"
        try:
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 1000):
                client.unlink(*keys[start : start + 1000])
        except default._main_exceptions as error:  # as django-redis's own methods
            raise ConnectionInterrupted(connection=client) from error

    default.DefaultClient.clear = clear
