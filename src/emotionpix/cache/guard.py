"""A cache that a failing store cannot take down with it.

Every call to the store gets a deadline (a hung database answers nothing; without one every
request would hang with it). A call that fails or runs out of time is bypassed — a read is a
miss, a write or a counter is dropped — and the store is left alone for ``cooldown`` seconds,
then tried again with one call. Answers keep coming from the provider and memory meanwhile;
``bypassed`` says how many cache calls this process skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout
from typing import Any, TypeVar

from emotionpix.breaker import CircuitBreaker
from emotionpix.cache.base import Cache, CacheEntry, CacheStats, CacheUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


class GuardedCache(Cache):
    """Wraps any Cache. ``timeout`` None calls the store directly (a local SQLite file, whose
    own busy timeout bounds a wait); a number runs each call on a small thread pool and gives
    up after that many seconds (a store across the network)."""

    def __init__(
        self,
        inner: Cache,
        *,
        timeout: float | None = 1.0,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.inner = inner
        self.timeout = timeout
        self.breaker = CircuitBreaker(1, cooldown, clock)
        self._pool = ThreadPoolExecutor(4, thread_name_prefix="cache") if timeout else None
        self._lock = threading.Lock()
        self.bypassed = 0

    def get(self, key: str) -> CacheEntry | None:
        return self._call(self.inner.get, key, default=None)

    def get_many(self, keys: Sequence[str]) -> dict[str, CacheEntry]:
        found: dict[str, CacheEntry] = self._call(self.inner.get_many, list(keys), default={})
        return found

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        self._call(lambda: self.inner.set(key, value, ttl), default=None)

    def count(self, name: str, amount: int = 1) -> None:
        self._call(self.inner.count, name, amount, default=None)

    def purge_expired(self) -> int:
        return self._call(self.inner.purge_expired, default=0)

    def clear(self) -> None:
        self._strict(self.inner.clear)

    def stats(self) -> CacheStats:
        """The store's counters; CacheUnavailable while it is down (nothing to make up)."""
        return self._strict(self.inner.stats)

    @property
    def available(self) -> bool:
        """False while the store is left alone after a failure."""
        return self.breaker.state == "closed"

    def _call(self, operation: Callable[..., T], *args: Any, default: T) -> T:
        try:
            return self._strict(operation, *args)
        except CacheUnavailable:
            with self._lock:
                self.bypassed += 1
            return default

    def _strict(self, operation: Callable[..., T], *args: Any) -> T:
        if not self.breaker.allow():
            raise CacheUnavailable("the cache store is unavailable (waiting before a retry)")
        try:
            if self._pool is None:
                result = operation(*args)
            else:
                result = self._pool.submit(operation, *args).result(self.timeout)
        except (CacheUnavailable, Timeout) as exc:
            if self.breaker.state == "closed":
                log.warning("cache store unavailable, bypassing it: %s", exc or "no answer")
            self.breaker.failed()
            raise CacheUnavailable(str(exc) or "the cache store did not answer in time") from None
        self.breaker.succeeded()
        return result
