"""At most one request per interval across every worker: a Redis slot key (SET NX PX) when Redis
is reachable, otherwise a lock shared by the threads of this process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings

log = logging.getLogger(__name__)


class GlobalRateLimiter:
    """Blocks in ``wait()`` until this caller may send the next request."""

    _process_lock = threading.Lock()
    _process_next: dict[str, float] = {}

    def __init__(
        self,
        *,
        key: str,
        interval: float = 1.0,
        redis_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key = key
        self.interval = interval
        self.redis_url = (
            redis_url if redis_url is not None else getattr(settings, "REDIS_URL", None)
        )
        self.sleep = sleep
        self.clock = clock
        self._redis = None

    def _client(self):
        if self._redis is None and self.redis_url:
            import redis

            self._redis = redis.Redis.from_url(
                self.redis_url, socket_connect_timeout=1, socket_timeout=2
            )
        return self._redis

    def wait(self) -> None:
        client = self._client()
        if client is not None:
            try:
                self._wait_redis(client)
                return
            except Exception as exc:  # noqa: BLE001 - any Redis trouble: fall back, never stop
                log.warning("rate limiter: Redis unavailable (%s); limiting per process", exc)
        self._wait_process()

    def _wait_redis(self, client) -> None:
        # Whoever sets the key owns the next slot; it expires after the interval, so at most one
        # request starts per interval whatever the number of workers and hosts.
        interval_ms = max(1, int(self.interval * 1000))
        while not client.set(self.key, "1", nx=True, px=interval_ms):
            remaining = client.pttl(self.key)
            self.sleep(max(remaining if remaining and remaining > 0 else 10, 10) / 1000)

    def _wait_process(self) -> None:
        with self._process_lock:
            now = self.clock()
            ready_at = self._process_next.get(self.key, now)
            if ready_at > now:
                self.sleep(ready_at - now)
                now = ready_at
            self._process_next[self.key] = now + self.interval
