"""The Redis cache, optional at run time: when Redis does not answer, the site works without it.

django-redis already turns a cache error into a miss (DJANGO_REDIS_IGNORE_EXCEPTIONS). Three things
are added here:

- A circuit breaker per process: after a connection error or timeout, this process does not ask
  Redis again for ``CACHE_RETRY_SECONDS``; every cache call meanwhile fails at once (a miss, a
  dropped write) instead of paying the connect or socket timeout again. A page makes several
  cache calls; without it a Redis that hangs costs each of them the full timeout. It works on
  the connection (``BreakerConnection``), so every command and pipeline of the pool goes through it.
- ``add`` fails open: it answers True ("the slot was free, it is yours") when Redis cannot say.
  Every ``add`` in Canyu and its libraries takes a slot: allauth's rate-limit lock (a False there
  means "limited", so with Redis down every sign-in answered 429), django-ratelimit's first
  count, a generation token (canyu.generations). Without a shared store there is no one to share
  the slot with, so limits let requests through, and say so in the log.
- Writes Redis missed are not undone when it answers again (``BreakerClient``): each process
  remembers the keys it could not write and deletes them before its next cache call once Redis is
  back, so a Redis that was cut off with its data does not serve a signed-out session, an old user
  row or a generation token that should have moved.

Sessions are cached_db: with the cache down they are read from and written to the database.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.connection import Connection, SSLConnection
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Seconds between two "limits fail open" warnings of one process.
FAIL_OPEN_LOG_SECONDS = 60


class NotAsked(RedisConnectionError):
    """Redis failed a moment ago and is left alone (not a new failure: it does not restart the wait)."""


class Breaker:
    """Whether this process should ask the Redis server at ``address`` now (one per server and process)."""

    def __init__(self, address: str):
        self.address = address
        self.tripped = False  # True from a failure until Redis answers again
        self.tripped_at = 0.0  # time.monotonic() of the last failure
        self.lock = threading.Lock()

    def check(self) -> None:
        """Raise at once while the breaker is open."""
        if self.tripped and time.monotonic() - self.tripped_at < settings.CACHE_RETRY_SECONDS:
            raise NotAsked(
                f"Redis at {self.address} is not asked: it failed less than {settings.CACHE_RETRY_SECONDS} s ago"
            )

    def trip(self, error: Exception) -> None:
        with self.lock:
            first = not self.tripped
            self.tripped, self.tripped_at = True, time.monotonic()
        if first:
            logger.warning(
                "Redis cache at %s unreachable (%s): not asked again for %s s at a time. Meanwhile cache reads "
                "miss, writes are dropped, sessions come from the database and rate limits fail open "
                "(let requests through).",
                self.address,
                error,
                settings.CACHE_RETRY_SECONDS,
            )

    def close(self) -> None:
        if self.tripped:
            with self.lock:
                was, self.tripped = self.tripped, False
            if was:
                logger.warning("Redis cache at %s answers again.", self.address)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(address: str) -> Breaker:
    breaker = _breakers.get(address)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(address, Breaker(address))
    return breaker


class _BreakerMixin(Connection):
    """A redis-py connection that goes through its server's breaker."""

    @property
    def breaker(self) -> Breaker:
        breaker = self.__dict__.get("_breaker")
        if breaker is None:
            breaker = self.__dict__["_breaker"] = breaker_for(f"{self.host}:{self.port}")
        return breaker

    def connect_check_health(self, *args, **kwargs):
        if not self._sock:
            self.breaker.check()
        try:
            return super().connect_check_health(*args, **kwargs)
        except NotAsked:
            raise
        except (RedisConnectionError, RedisTimeoutError) as error:
            self.breaker.trip(error)
            raise

    def send_packed_command(self, *args, **kwargs):
        self.breaker.check()
        try:
            return super().send_packed_command(*args, **kwargs)
        except NotAsked:
            raise
        except (RedisConnectionError, RedisTimeoutError) as error:
            self.breaker.trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except NotAsked:
            raise
        except (RedisConnectionError, RedisTimeoutError) as error:
            self.breaker.trip(error)
            raise
        self.breaker.close()
        return response


class BreakerConnection(_BreakerMixin, Connection):
    pass


class BreakerSSLConnection(_BreakerMixin, SSLConnection):
    pass


# Keys whose write this process could not make, per server: deleted first thing once Redis answers again.
_missed: dict[str, set[str]] = {}
_missed_lock = threading.Lock()
_overflowed: set[str] = set()
MAX_MISSED = 100_000  # keys (some 10 MB); past that, copies may be stale until they expire (logged)
REPLAY_BATCH = 1000


class BreakerClient(DefaultClient):
    """django-redis's client, which remembers the keys of the writes Redis missed and deletes them as
    soon as it answers again.

    A write Redis misses leaves its old value there: a session signed out, a user's kept row or a
    generation token that should have moved. If Redis was unreachable but kept its data (a network
    cut, a Redis that hung), that old value would be served again once it answers. Deleting the key
    makes the next reader go to the database. Each process replays its own misses (a process that
    ends during the outage takes its list with it)."""

    def _remember_missed(self, keys) -> None:
        server = self._server[0]
        with _missed_lock:
            missed = _missed.setdefault(server, set())
            if len(missed) >= MAX_MISSED:
                if server not in _overflowed:
                    _overflowed.add(server)
                    logger.error(
                        "More than %d cache writes missed: later ones are not remembered, and what "
                        "they replaced may be served until it expires",
                        MAX_MISSED,
                    )
                return
            missed.update(str(key) for key in keys)

    def _replay_missed(self) -> None:
        server = self._server[0]
        if not _missed.get(server):
            return
        with _missed_lock:
            keys = list(_missed.get(server, ()))
        try:
            client = super().get_client(write=True)
            for start in range(0, len(keys), REPLAY_BATCH):
                client.delete(*keys[start : start + REPLAY_BATCH])
        except Exception:  # noqa: BLE001 - still unreachable: try again with the next call
            return
        with _missed_lock:
            _missed[server].difference_update(keys)
            _overflowed.discard(server)
        logger.warning("Deleted %d cache keys whose writes were missed while Redis was unreachable", len(keys))

    def get_client(self, write=True, tried=None):
        self._replay_missed()
        return super().get_client(write=write, tried=tried)

    def get_client_with_index(self, write=True, tried=None):
        self._replay_missed()
        return super().get_client_with_index(write=write, tried=tried)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None, nx=False, xx=False):
        try:
            return super().set(key, value, timeout, version=version, client=client, nx=nx, xx=xx)
        except ConnectionInterrupted:
            if not nx:  # a slot not taken changed nothing
                self._remember_missed([self.make_key(key, version=version)])
            raise

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        try:
            return super().set_many(data, timeout, version=version, client=client)
        except ConnectionInterrupted:
            self._remember_missed(self.make_key(key, version=version) for key in data)
            raise

    def delete(self, key, version=None, prefix=None, client=None):
        try:
            return super().delete(key, version=version, prefix=prefix, client=client)
        except ConnectionInterrupted:
            self._remember_missed([self.make_key(key, version=version, prefix=prefix)])
            raise

    def delete_many(self, keys, version=None, client=None):
        keys = list(keys)
        try:
            return super().delete_many(keys, version=version, client=client)
        except ConnectionInterrupted:
            self._remember_missed(self.make_key(key, version=version) for key in keys)
            raise

    def _incr(self, key, delta=1, version=None, client=None, ignore_key_check=False):
        try:
            return super()._incr(key, delta, version=version, client=client, ignore_key_check=ignore_key_check)
        except ConnectionInterrupted:
            self._remember_missed([self.make_key(key, version=version)])
            raise


_last_fail_open_log = 0.0


class RedisCache(DjangoRedisCache):
    """django-redis's cache whose connections go through the breaker, and whose ``add`` grants the slot
    when Redis cannot answer (see the module)."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        pool_kwargs = options.setdefault("CONNECTION_POOL_KWARGS", {})
        scheme = str(server).partition("://")[0]
        if scheme in {"redis", "rediss"}:  # a unix:// socket keeps redis-py's own connection
            connection_class = BreakerSSLConnection if scheme == "rediss" else BreakerConnection
            pool_kwargs.setdefault("connection_class", connection_class)
        options.setdefault("CLIENT_CLASS", "canyu.cache.BreakerClient")
        super().__init__(server, params)

    def add(self, key, *args, **kwargs):
        try:
            return self.client.add(key, *args, **kwargs)
        except ConnectionInterrupted as interrupted:
            if not self._ignore_exceptions:
                raise interrupted.__cause__ from None
            global _last_fail_open_log
            now = time.monotonic()
            if now - _last_fail_open_log >= FAIL_OPEN_LOG_SECONDS or not _last_fail_open_log:
                _last_fail_open_log = now
                logger.warning(
                    "Cache unavailable (%s): slots are granted without it, so rate limits fail open "
                    "(this message at most once a minute).",
                    interrupted.__cause__,
                )
            return True
