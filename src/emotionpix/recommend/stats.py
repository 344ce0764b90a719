"""What the recommender reports about its sources: the cache's shared counters (with the
provider calls it did not save), and this process's view of the provider and the
enrichment."""

from __future__ import annotations

from typing import Any

from emotionpix.cache import Cache, CacheUnavailable
from emotionpix.providers import MovieProvider
from emotionpix.recommend.enrich import Enricher


def cache_stats(cache: Cache) -> dict[str, Any]:
    """The cache's counters, ``provider_calls`` among them (0 before any)."""
    return {"provider_calls": 0, **cache.stats().to_dict()}


def stats(cache: Cache, provider: MovieProvider, enricher: Enricher | None) -> dict[str, Any]:
    """The cache's counters (or why they cannot be read) and how many of this process's
    calls skipped it; the provider's calls, errors, latency, circuit and quota; the
    enrichment's lookups."""
    try:
        counters: dict[str, Any] = cache_stats(cache)
    except CacheUnavailable as exc:
        counters = {"available": False, "error": str(exc)}
    return {
        "cache": {**counters, "bypassed_here": cache.bypassed},
        "provider": {"name": provider.name, **provider.stats()},
        "enrichment": enricher.stats() if enricher else None,
    }
