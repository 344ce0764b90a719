"""The cache contract: JSON values under text keys, fresh for ``ttl`` seconds, then kept as
"stale" for ``stale_ttl`` more (served only when the provider fails), then purged."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from cachetools import LRUCache

V = TypeVar("V")  # what a backend's entries are versioned by (a timestamp, Redis's bytes)

KEY_LENGTH = 255  # characters of a key stored as it is; longer ones are hashed


class CacheUnavailable(RuntimeError):
    """The store behind the cache failed (down, hung, read-only, gone). Callers bypass the
    cache; the backend heals by itself when the store is back."""


@dataclass(frozen=True)
class CacheEntry:
    """A stored value; ``fresh`` is False once its TTL has passed."""

    value: Any
    fresh: bool


@dataclass(frozen=True)
class CacheStats:
    """Lookups, fresh entries, and every counter a caller added with ``Cache.count``."""

    hits: int
    misses: int
    entries: int
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered from the cache (0.0 before any lookup)."""
        lookups = self.hits + self.misses
        return round(self.hits / lookups, 4) if lookups else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_rate": self.hit_rate,
            "entries": self.entries,
            **self.counters,
        }


class Cache(Protocol):
    """A JSON-value store with expiry and shared counters, in front of anything slow.

    ``get`` counts a hit for a fresh entry and a miss otherwise, and still returns a stale
    entry (``fresh=False``) so the caller can fall back on it. ``get_many`` does the same for
    several keys in one round trip to the store (a page of films is one call, not one per
    film) and returns the entries found by key, leaving out the keys it has nothing for.
    ``set`` stores a value (None and empty lists included: "nothing found" is an answer worth
    caching), fresh for ``ttl`` seconds when given (then stale for at most as long again; the
    backend's defaults otherwise), and purges entries whose stale period is over. ``count``
    adds to a named counter that every process using the same store shares; ``stats`` reports
    them (``entries`` counts fresh entries only); ``clear`` empties the store and resets every
    counter.

    ``available`` is False while calls skip a failing store, and ``bypassed`` counts the calls
    this process skipped; a store itself skips none (the defaults), a guard around it does.
    """

    bypassed: int = 0

    @property
    def available(self) -> bool:
        return True

    def get(self, key: str) -> CacheEntry | None: ...

    def get_many(self, keys: Sequence[str]) -> dict[str, CacheEntry]: ...

    def set(self, key: str, value: Any, ttl: int | None = None) -> None: ...

    def count(self, name: str, amount: int = 1) -> None: ...

    def purge_expired(self) -> int: ...

    def clear(self) -> None: ...

    def stats(self) -> CacheStats: ...


def storable_key(key: str) -> str:
    """The key as stored: as it is when short and printable, else a readable prefix and a
    hash of the whole (no input can overflow a column or carry a NUL into PostgreSQL)."""
    if len(key) <= KEY_LENGTH and key.isprintable():
        return key
    prefix = "".join(ch for ch in key[:100] if ch.isprintable())
    return f"{prefix}#{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def lifetimes(ttl: int | None, default_ttl: int, stale_ttl: int) -> tuple[int, int]:
    """Seconds an entry stays fresh, then stale: a value with its own TTL stays stale at
    most as long again (a minute's "nothing found" must not linger a day)."""
    return (default_ttl, stale_ttl) if ttl is None else (ttl, min(ttl, stale_ttl))


class DecodedValues(Generic[V]):
    """The values last read, already decoded, with the version of the entry they came from:
    a hit on an unchanged entry skips transferring and parsing its JSON again. Bounded, the
    least recently used out first (cachetools' LRUCache); thread-safe (a lock: reads reorder
    it)."""

    def __init__(self, size: int) -> None:
        self._values: LRUCache[str, tuple[V, Any]] = LRUCache(size)
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[V, Any] | None:
        """(version, value) last kept for ``key``, or None."""
        with self._lock:
            return self._values.get(key)

    def put(self, key: str, version: V, value: Any) -> None:
        with self._lock:
            self._values[key] = (version, value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
