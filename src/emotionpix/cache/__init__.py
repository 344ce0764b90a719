"""Caches in front of the movie provider. ``build_cache`` picks the backend from a URL."""

from __future__ import annotations

from sqlalchemy import Engine

from emotionpix.cache.base import Cache, CacheEntry, CacheStats
from emotionpix.cache.sql import SQLCache
from emotionpix.db import make_engine

__all__ = ["Cache", "CacheEntry", "CacheStats", "build_cache"]


def build_cache(url: str, ttl: int, stale_ttl: int, engine: Engine | None = None) -> Cache:
    """A cache for ``url``: any SQLAlchemy URL (SQLite, PostgreSQL) uses SQLCache.

    ``engine`` lets the cache share the app database's engine when the URLs are the same.
    """
    if url.startswith(("redis://", "rediss://")):
        raise ValueError("the Redis cache backend is not available yet; use an SQL URL")
    return SQLCache(engine or make_engine(url), ttl=ttl, stale_ttl=stale_ttl)
