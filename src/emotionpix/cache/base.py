"""The cache contract: JSON values under text keys, fresh for ``ttl`` seconds, then kept as
"stale" for ``stale_ttl`` more (served only when the provider fails), then purged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# The counters every backend keeps (shared by all workers/processes using the same store).
COUNTERS = ("hits", "misses", "provider_calls")


@dataclass(frozen=True)
class CacheEntry:
    """A stored value; ``fresh`` is False once its TTL has passed."""

    value: Any
    fresh: bool


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    provider_calls: int
    entries: int

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
            "provider_calls": self.provider_calls,
            "entries": self.entries,
        }


class Cache(Protocol):
    """What the recommendation service needs from a cache backend.

    ``get`` counts a hit for a fresh entry and a miss otherwise, and still returns a stale
    entry (``fresh=False``) so the caller can fall back on it. ``set`` stores a value (None and
    empty lists included: "nothing found" is an answer worth caching) and purges entries whose
    stale period is over. ``entries`` in ``stats`` counts fresh entries only.
    """

    ttl: int

    def get(self, key: str) -> CacheEntry | None: ...

    def set(self, key: str, value: Any) -> None: ...

    def count_provider_call(self) -> None: ...

    def purge_expired(self) -> int: ...

    def clear(self) -> None: ...

    def stats(self) -> CacheStats: ...
