"""Posters, plots and trailers from TMDB for the films of a source that has none (the
embedded catalog), looked up by IMDb id.

Only the films actually shown are looked up, in parallel, and each answer is cached for days
(in this process's memory, then in the shared cache, which a page reads in one round trip). A
page waits at most ``wait`` seconds for the films not cached yet; the lookups still running go
on in the background and the films show their posters on the next visit. A failing TMDB
costs the page nothing but its posters.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import suppress
from dataclasses import replace
from typing import Any

from cachetools import TTLCache

from emotionpix.cache import Cache, CacheEntry
from emotionpix.core.movies import Movie
from emotionpix.providers.base import EnrichingProvider, ProviderError
from emotionpix.recommend.film_ids import FilmIds
from emotionpix.recommend.single_flight import SingleFlight

log = logging.getLogger(__name__)

# What a lookup keeps: the card fields (from /find), and with details the trailer too.
CARD_FIELDS = ("poster_url", "backdrop_url", "overview")
DETAIL_FIELDS = (*CARD_FIELDS, "trailer_url")
Found = dict[str, Any] | None  # what TMDB adds to a film (None: it does not know the film)


class Enricher:
    """Adds TMDB's poster, backdrop and plot (and, for details, the trailer) to films that
    have an IMDb id. ``ttl``: seconds an answer is kept; ``wait``: seconds a page waits;
    ``memo_size``: answers kept in memory (the least recently used go first); ``ids``: where
    the TMDB ids its lookups find are kept for others (where to watch)."""

    def __init__(
        self,
        tmdb: EnrichingProvider,
        cache: Cache,
        *,
        ttl: int = 3 * 86400,
        wait: float = 0.3,
        details_wait: float = 2.0,
        memo_size: int = 5000,
        ids: FilmIds | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.tmdb = tmdb
        self.cache = cache
        self.ids = ids
        self.ttl, self.wait, self.details_wait = ttl, wait, details_wait
        self._memo: TTLCache[str, Found] = TTLCache(memo_size, ttl, timer=clock)
        self._flight = SingleFlight()
        self._lock = threading.Lock()  # the memo and the counts
        self._pool = ThreadPoolExecutor(8, thread_name_prefix="enrich")
        self.counts = {"looked_up": 0, "failed": 0, "late": 0}

    def cards(self, movies: Sequence[Movie]) -> list[Movie]:
        """The films with what TMDB adds to a card, as far as known within ``wait``."""
        return self._enrich(movies, "card", self.wait, CARD_FIELDS)

    def details(self, movie: Movie) -> Movie:
        """One film with its trailer too (the person asked for it: worth a longer wait)."""
        return self._enrich([movie], "details", self.details_wait, DETAIL_FIELDS)[0]

    def _enrich(
        self, movies: Sequence[Movie], kind: str, patience: float, fields: Sequence[str]
    ) -> list[Movie]:
        keys = {f"{kind}:{movie.imdb_id}": movie.imdb_id for movie in movies if movie.imdb_id}
        known, unknown = self._known(keys)
        pending = {key: self._look_up(key, keys[key], kind, unknown[key]) for key in unknown}
        if pending:
            done, not_done = wait_for(pending.values(), timeout=patience)
            with self._lock:
                self.counts["late"] += len(not_done)
            for key, future in pending.items():
                if future in done and future.exception() is None:
                    known[key] = future.result()
        return [_merged(movie, known.get(f"{kind}:{movie.imdb_id}"), fields) for movie in movies]

    def _known(
        self, keys: Collection[str]
    ) -> tuple[dict[str, Found], dict[str, CacheEntry | None]]:
        """What is known of each key: from memory, else from a fresh cache entry (one round
        trip for them all). The rest, with their expired entry if any, are to look up."""
        known: dict[str, Found] = {}
        with self._lock:
            for key in keys:
                with suppress(KeyError):  # not remembered, or no longer
                    known[key] = self._memo[key]
        missing = [key for key in keys if key not in known]
        entries = self.cache.get_many([_cache_key(key) for key in missing]) if missing else {}
        unknown: dict[str, CacheEntry | None] = {}
        for key in missing:
            entry = entries.get(_cache_key(key))
            if entry is not None and entry.fresh:
                known[key] = entry.value
                self._remember(key, entry.value)
            else:
                unknown[key] = entry
        return known, unknown

    def _look_up(
        self, key: str, imdb_id: str, kind: str, stale: CacheEntry | None
    ) -> Future[Found]:
        """One lookup per film at a time, however many pages ask for it."""
        return self._flight.share(
            key, lambda: self._pool.submit(self._fetch, key, imdb_id, kind, stale)
        )

    def _fetch(self, key: str, imdb_id: str, kind: str, stale: CacheEntry | None) -> Found:
        with self._lock:
            self.counts["looked_up"] += 1
        try:
            found = self.tmdb.find_by_imdb(imdb_id)
            if self.ids is not None:
                self.ids.remember({imdb_id: None if found is None else found.id})
            if found is not None and kind == "details":
                found = self.tmdb.details(found.id) or found
        except ProviderError as exc:
            with self._lock:
                self.counts["failed"] += 1
            log.info("no TMDB enrichment for %s: %s", imdb_id, exc)
            return stale.value if stale is not None else None
        value = None if found is None else {f: getattr(found, f) for f in DETAIL_FIELDS}
        self.cache.set(_cache_key(key), value, ttl=self.ttl)
        self._remember(key, value)
        return value

    def _remember(self, key: str, value: Found) -> None:
        with self._lock:
            self._memo[key] = value

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {**self.counts, "remembered": len(self._memo), "tmdb": self.tmdb.stats()}


def _cache_key(key: str) -> str:
    return f"enrich:tmdb:{key}"


def _merged(movie: Movie, found: dict[str, Any] | None, fields: Sequence[str]) -> Movie:
    """TMDB's values where it has them; the film's own everywhere else."""
    if not found:
        return movie
    changes = {f: found[f] for f in fields if found.get(f)}
    return replace(movie, **changes) if changes else movie
