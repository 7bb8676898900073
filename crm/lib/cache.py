"""A Redis cache that never breaks a page: while Redis is unreachable it behaves like an empty
cache.

Django's own ``RedisCache`` raises ``redis.ConnectionError`` from every ``get``/``set`` when Redis
is down, so any page that caches something (pipeline totals, the map extent, the login rate limit)
would answer 500. This backend catches Redis errors, logs one warning per outage, and answers as a
cache miss: ``get`` returns the default, ``add``/``touch`` return False, ``set``/``delete`` do
nothing, ``incr`` raises ``ValueError`` as for a missing key (callers already handle that).

After a failure Redis is not asked again for ``RETRY_AFTER`` seconds, so a Redis host that does
not answer costs one short timeout per process and window, not one per cache call.

What that means while Redis is down: nothing is cached (pages are computed every time), the
login rate limit does not count (fail open), and import progress bars show no intermediate steps.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without asking Redis after a failure
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


class _Down(Exception):
    """Redis failed recently; answer as a miss without asking."""


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    # -- the breaker ------------------------------------------------------------------------

    def _call(self, name, miss, *args, **kwargs):
        if self._down_until and time.monotonic() < self._down_until:
            return miss()
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            with self._lock:
                if not self._down_until:
                    log.warning(
                        "Redis cache unavailable (%s: %s); serving without cache",
                        exc.__class__.__name__,
                        exc,
                    )
                self._down_until = time.monotonic() + RETRY_AFTER
            return miss()
        if self._down_until:
            with self._lock:
                if self._down_until:
                    log.warning("Redis cache is back")
                self._down_until = 0.0
        return result

    @property
    def available(self) -> bool:
        """False while the breaker is open (Redis failed within the last RETRY_AFTER seconds)."""
        return not (self._down_until and time.monotonic() < self._down_until)

    # -- the cache API ----------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", _false, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", _none, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", _false, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", _false, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", _false, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", functools.partial(_missing, key), key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", functools.partial(list, data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", _none, keys, version)

    def clear(self):
        return self._call("clear", _false)


def _false():
    return False


def _none():
    return None


def _missing(key):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
