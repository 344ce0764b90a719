"""Posters, plots and trailers from TMDB for the films of a source that has none (the
embedded catalog), looked up by IMDb id.

Only the films actually shown are looked up, in parallel, and each answer is cached for days
(in this process's memory, then in the shared cache). A page waits at most ``wait`` seconds
for the films not cached yet; the lookups still running go on in the background and the films
show their posters on the next visit. A failing TMDB costs the page nothing but its posters.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import replace
from typing import Any

from emotionpix.cache import Cache
from emotionpix.core.movies import Movie
from emotionpix.providers.base import ProviderError
from emotionpix.providers.tmdb import TmdbProvider
from emotionpix.recommend.single_flight import SingleFlight

log = logging.getLogger(__name__)

# What a lookup keeps: the card fields (from /find), and with details the trailer too.
CARD_FIELDS = ("poster_url", "backdrop_url", "overview")
DETAIL_FIELDS = (*CARD_FIELDS, "trailer_url")
_MISSING = object()


class Enricher:
    """Adds TMDB's poster, backdrop and plot (and, for details, the trailer) to films that
    have an IMDb id. ``ttl``: seconds an answer is kept; ``wait``: seconds a page waits."""

    def __init__(
        self,
        tmdb: TmdbProvider,
        cache: Cache,
        *,
        ttl: int = 3 * 86400,
        wait: float = 0.3,
        details_wait: float = 2.0,
        memo_size: int = 5000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.tmdb = tmdb
        self.cache = cache
        self.ttl, self.wait, self.details_wait = ttl, wait, details_wait
        self._clock = clock
        self._memo: OrderedDict[str, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self._memo_size = memo_size
        self._flight = SingleFlight()
        self._lock = threading.Lock()
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
        known: dict[str, dict[str, Any] | None] = {}
        pending: dict[str, Future[dict[str, Any] | None]] = {}
        for movie in movies:
            if not movie.imdb_id or movie.imdb_id in known or movie.imdb_id in pending:
                continue
            key = f"{kind}:{movie.imdb_id}"
            found = self._remembered(key)
            if found is _MISSING:
                pending[movie.imdb_id] = self._look_up(key, movie.imdb_id, kind)
            else:
                known[movie.imdb_id] = found
        if pending:
            done, not_done = wait_for(pending.values(), timeout=patience)
            with self._lock:
                self.counts["late"] += len(not_done)
            for imdb_id, future in pending.items():
                if future in done and future.exception() is None:
                    known[imdb_id] = future.result()
        return [_merged(movie, known.get(movie.imdb_id or ""), fields) for movie in movies]

    def _look_up(self, key: str, imdb_id: str, kind: str) -> Future[dict[str, Any] | None]:
        """One lookup per film at a time, however many pages ask for it."""
        return self._flight.share(key, lambda: self._pool.submit(self._fetch, key, imdb_id, kind))

    def _fetch(self, key: str, imdb_id: str, kind: str) -> dict[str, Any] | None:
        entry = self.cache.get(f"enrich:tmdb:{key}")
        if entry is not None and entry.fresh:
            self._remember(key, entry.value)
            return entry.value  # type: ignore[no-any-return]
        with self._lock:
            self.counts["looked_up"] += 1
        try:
            found = self.tmdb.find_by_imdb(imdb_id)
            if found is not None and kind == "details":
                found = self.tmdb.details(found.id) or found
        except ProviderError as exc:
            with self._lock:
                self.counts["failed"] += 1
            log.info("no TMDB enrichment for %s: %s", imdb_id, exc)
            return entry.value if entry is not None else None  # stale beats nothing
        value = None if found is None else {f: getattr(found, f) for f in DETAIL_FIELDS}
        self.cache.set(f"enrich:tmdb:{key}", value, ttl=self.ttl)
        self._remember(key, value)
        return value

    def _remembered(self, key: str) -> Any:
        with self._lock:
            found = self._memo.get(key)
            if found is None or self._clock() > found[0]:
                return _MISSING
            self._memo.move_to_end(key)
            return found[1]

    def _remember(self, key: str, value: dict[str, Any] | None) -> None:
        with self._lock:
            self._memo[key] = (self._clock() + self.ttl, value)
            self._memo.move_to_end(key)
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {**self.counts, "remembered": len(self._memo), "tmdb": self.tmdb.stats()}


def _merged(movie: Movie, found: dict[str, Any] | None, fields: Sequence[str]) -> Movie:
    """TMDB's values where it has them; the film's own everywhere else."""
    if not found:
        return movie
    changes = {f: found[f] for f in fields if found.get(f)}
    return replace(movie, **changes) if changes else movie
