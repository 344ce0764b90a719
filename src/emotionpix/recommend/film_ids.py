"""Which film a source knows under an IMDb id, remembered for as long as TMDB's terms allow.

A film's ids never change, so a lookup made once (for its poster, or for where to watch it)
serves every later page: the enrichment and the where-to-watch guide share this book, and a
film shown once needs no second lookup before its availability can be asked for. A film the
source does not know is remembered for a week only (it may be added).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

from emotionpix.cache import Cache, CacheUnavailable

DAY = 86400
KNOWN_TTL = 180 * DAY  # TMDB's terms: cached data kept at most six months
UNKNOWN_TTL = 7 * DAY


class FilmIds:
    """IMDb id -> the source's id (None: the source has no such film), in the shared cache."""

    def __init__(self, cache: Cache, source: str):
        self.cache = cache
        self.source = source

    def known(self, imdb_ids: Iterable[str]) -> dict[str, str | None]:
        """The ids remembered among ``imdb_ids`` (one round trip to the cache)."""
        keys = {self._key(i): i for i in dict.fromkeys(imdb_ids) if i}
        if not keys:
            return {}
        try:
            entries = self.cache.get_many(list(keys))
        except CacheUnavailable:
            return {}
        return {keys[key]: entry.value for key, entry in entries.items() if entry.fresh}

    def remember(self, found: Mapping[str, str | None]) -> None:
        """Keep what lookups found (a missing cache only costs a later lookup)."""
        for imdb_id, source_id in found.items():
            ttl = UNKNOWN_TTL if source_id is None else KNOWN_TTL
            with contextlib.suppress(CacheUnavailable):
                self.cache.set(self._key(imdb_id), source_id, ttl=ttl)

    def _key(self, imdb_id: str) -> str:
        return f"film-id:{self.source}:imdb:{imdb_id}"
