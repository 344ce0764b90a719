"""Where an answer comes from — the ``source`` every answer names: a fresh cache entry
(``cache``); else the provider (``provider``, then cached); else, when the provider fails or
has nothing to show, the expired entry (``stale``); else the fallback provider
(``fallback``). A failing provider degrades an answer, never empties it. Each step is counted
in the cache's shared counters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from emotionpix.cache import Cache, CacheEntry
from emotionpix.core.errors import ServiceUnavailable
from emotionpix.providers import MovieProvider, ProviderError
from emotionpix.recommend.single_flight import SingleFlight

NEGATIVE_TTL = 60  # seconds an empty answer (unknown id, no search match) stays cached

log = logging.getLogger(__name__)

Compute = Callable[[MovieProvider], Any]


def _always(value: Any) -> bool:
    return True


class Sources:
    """Answers through ``cache`` from ``provider``, with the stand-ins above. Requests for
    the same missing key at the same time make one provider call: the others wait for it and
    read its answer from the cache."""

    def __init__(
        self, provider: MovieProvider, cache: Cache, fallback: MovieProvider | None = None
    ):
        self.provider = provider
        self.cache = cache
        self.fallback = fallback
        self._flight = SingleFlight()

    def answer(
        self, key: str, compute: Compute, usable: Callable[[Any], bool] = _always
    ) -> tuple[Any, str]:
        """(value, source) for ``key``; ``compute`` asks a provider (the fallback too). An
        answer that is not ``usable`` (an empty pool of films) counts as a failure."""
        entry = self.cache.get(key)
        if entry is not None and entry.fresh:
            return entry.value, "cache"
        with self._flight.lead(key) as leading:
            if not leading:  # another request just asked the provider for this key
                entry = self.cache.get(key)
                if entry is not None and entry.fresh:
                    return entry.value, "cache"
            return self._from_provider(key, compute, entry, usable)

    def _from_provider(
        self,
        key: str,
        compute: Compute,
        entry: CacheEntry | None,
        usable: Callable[[Any], bool],
    ) -> tuple[Any, str]:
        self.cache.count("provider_calls")
        try:
            value = compute(self.provider)
        except ProviderError as exc:
            self.cache.count("provider_errors")
            stand_in = self._stand_in(compute, entry, usable)
            if stand_in is None:
                raise ServiceUnavailable(
                    "The movie service is unavailable right now. Please try again shortly."
                ) from exc
            self.cache.count(f"{stand_in[1]}_answers")
            return stand_in
        if not usable(value):  # answered, but with nothing to show: a failure all the same
            self.cache.count("provider_empty")
            log.warning("%s found no films for %s: stale or fallback", self.provider.name, key)
            stand_in = self._stand_in(compute, entry, usable)
            if stand_in is not None and usable(stand_in[0]):
                self.cache.count(f"{stand_in[1]}_answers")
                return stand_in
        # "Nothing found" is worth caching, but briefly: it must not pile up (every unknown id
        # and every odd search would stay a day) nor hide a film added since.
        self.cache.set(key, value, ttl=NEGATIVE_TTL if not value else None)
        return value, "provider"

    def _stand_in(
        self, compute: Compute, entry: CacheEntry | None, usable: Callable[[Any], bool]
    ) -> tuple[Any, str] | None:
        """What answers for a provider that could not: the expired entry (if ``usable``),
        else the fallback provider's answer; None when neither can."""
        if entry is not None and usable(entry.value):
            return entry.value, "stale"
        if self.fallback is not None:
            with suppress(ProviderError):
                return compute(self.fallback), "fallback"
        return None


def worst(sources: Iterable[str]) -> str:
    """One source for a blend: the most degraded of its pools ("fallback", then "stale"),
    else "provider" if any was fetched."""
    found = set(sources)
    return next((s for s in ("fallback", "stale", "provider") if s in found), "cache")
