"""Caches in front of slow things (the movie provider). ``build_cache`` picks the backend from a
URL and guards it, so a failing store is bypassed instead of failing requests."""

from __future__ import annotations

from sqlalchemy import Engine

from emotionpix.cache.base import Cache, CacheEntry, CacheStats, CacheUnavailable
from emotionpix.cache.guard import GuardedCache
from emotionpix.cache.sql import SQLCache
from emotionpix.db import make_engine

# Seconds a process may keep its cache hits and misses before adding them to the store's
# counters (SQL stores; see SQLCache).
TALLY_EVERY = 1.0

__all__ = ["Cache", "CacheEntry", "CacheStats", "CacheUnavailable", "GuardedCache", "build_cache"]


def build_cache(
    url: str,
    ttl: int,
    stale_ttl: int,
    *,
    max_entries: int = 10_000,
    timeout: float = 1.0,
    cooldown: float = 5.0,
    engine: Engine | None = None,
    prefix: str = "emotionpix:cache:",
) -> GuardedCache:
    """A guarded cache for ``url``: an SQLAlchemy URL (SQLite, PostgreSQL) uses SQLCache.
    Calls to a store across the network get ``timeout`` seconds: a database's on the
    guard's thread pool, Redis's through the client's own socket timeouts; a local SQLite
    file is called directly (its busy timeout bounds a wait).

    ``engine`` lets the cache share the app database's engine when the URLs are the same.
    A ``redis://`` (or ``rediss://``, ``unix://``) URL uses RedisCache, its keys under
    ``prefix``; the ``redis`` package is then needed.
    """
    if url.startswith(("redis://", "rediss://", "unix://")):
        from emotionpix.cache.redis import RedisCache, connect

        client = connect(url, timeout)
        redis_store = RedisCache(
            client, prefix, ttl=ttl, stale_ttl=stale_ttl, max_entries=max_entries
        )
        # The client's own socket timeouts bound every wait (connect, each reply), so calls
        # run directly, not through the guard's thread pool (one hand-off less per lookup).
        return GuardedCache(redis_store, timeout=None, cooldown=cooldown)
    store = SQLCache(
        engine or make_engine(url),
        ttl=ttl,
        stale_ttl=stale_ttl,
        max_entries=max_entries,
        tally_every=TALLY_EVERY,
    )
    local = url.startswith("sqlite")
    return GuardedCache(store, timeout=None if local else timeout, cooldown=cooldown)
