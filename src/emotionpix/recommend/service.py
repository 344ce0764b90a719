"""The recommendation service: the paper's Algorithm 1 with a cache in front of the provider.

emotion -> genre (mapping) -> cached ranked candidates (provider + filters + ranking)
-> a seeded rotation of the best ones -> one page of films.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any

from emotionpix.cache import Cache, CacheEntry, CacheUnavailable, GuardedCache
from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.core.text import normalise
from emotionpix.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.providers import MovieProvider, ProviderError
from emotionpix.recommend.enrich import Enricher
from emotionpix.recommend.ranking import rank, rotate, spotlight

MAX_QUERY_LENGTH = 200
NEGATIVE_TTL = 60  # seconds an empty answer (unknown id, no search match) stays cached
MAX_PAGE = 1000
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Settings:
    """How results are shaped; built from configuration by ``services.py``."""

    page_size: int = 20
    max_candidates: int = 200
    rotation_pages: int = 2
    spotlight_countries: tuple[str, ...] = ("India",)
    spotlight_every: int = 4
    search_limit: int = 20
    fetch_limit: int = 5000


@dataclass(frozen=True)
class Recommendations:
    emotion: str
    genre: str
    source: str  # "cache" | "provider" | "stale" | "fallback"
    movies: list[Movie]
    page: int
    seed: int
    total: int
    has_more: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "emotion": self.emotion,
            "genre": self.genre,
            "source": self.source,
            "page": self.page,
            "seed": self.seed,
            "total": self.total,
            "has_more": self.has_more,
            "movies": [movie.to_dict() for movie in self.movies],
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    source: str
    movies: list[Movie] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "source": self.source,
            "movies": [movie.to_dict() for movie in self.movies],
        }


class RecommendationService:
    """Emotion-to-movies, title search and movie details, each answered through the cache.

    When the provider fails, an expired cache entry stands in (``source: "stale"``); with
    nothing cached, the ``fallback`` provider (the embedded catalog) answers
    (``source: "fallback"``), so a failing provider degrades the answer, never empties it.
    An ``enricher`` adds TMDB posters, plots and trailers to the films shown.
    """

    def __init__(
        self,
        provider: MovieProvider,
        cache: Cache,
        mapping: Mapping[str, str],
        filters: Filters,
        settings: Settings | None = None,
        *,
        fallback: MovieProvider | None = None,
        enricher: Enricher | None = None,
    ):
        self.provider = provider
        self.cache = cache
        self.mapping = dict(mapping)
        self.filters = filters
        self.settings = settings or Settings()
        self.fallback = fallback
        self.enricher = enricher
        self._in_flight = SingleFlight()

    def genre_for(self, emotion: str) -> str:
        """The genre the (normalised) emotion maps to; InvalidInput for an unknown label."""
        try:
            return self.mapping[normalise_emotion(emotion)]
        except UnknownEmotion:
            known = ", ".join(sorted(self.mapping))
            raise InvalidInput(
                f"Unknown emotion {emotion!r}. Use one of: {known}.", code="invalid_emotion"
            ) from None

    def recommend(self, emotion: str, page: int = 1, seed: int | None = None) -> Recommendations:
        """One page of films for ``emotion``. The same ``seed`` pages through one stable
        order; without a seed each call picks a fresh one (so a new first page)."""
        genre = self.genre_for(emotion)
        if not 1 <= page <= MAX_PAGE:
            raise InvalidInput(f"page must be between 1 and {MAX_PAGE}.", code="invalid_page")
        if seed is None:
            seed = random.randint(0, MAX_SEED)
        elif not 0 <= seed <= MAX_SEED:
            raise InvalidInput(f"seed must be between 0 and {MAX_SEED}.", code="invalid_seed")
        candidates, source = self._answer(
            self._discover_key(genre),
            lambda provider: self._ranked_candidates(provider, genre),
        )
        size = self.settings.page_size
        window = size * self.settings.rotation_pages
        # Only the windows up to this page need shuffling.
        head = rotate(candidates[: -(-page * size // window) * window], window, seed)
        chosen = head[(page - 1) * size : page * size]
        return Recommendations(
            emotion=normalise_emotion(emotion),
            genre=genre,
            source=source,
            movies=self._for_cards([Movie.from_dict(item) for item in chosen]),
            page=page,
            seed=seed,
            total=len(candidates),
            has_more=page * size < len(candidates),
        )

    def search(self, query: str) -> SearchResults:
        """Films whose titles best match ``query`` (typos, accents and case forgiven)."""
        key = normalise(query or "")
        if not key:
            raise InvalidInput("Type part of a movie title to search.", code="empty_query")
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidInput(
                f"Search text is limited to {MAX_QUERY_LENGTH} characters.", code="query_too_long"
            )
        limit = self.settings.search_limit
        found, source = self._answer(
            f"search:{self.provider.name}:{limit}:{key}",
            lambda provider: [m.to_dict() for m in provider.search(query, limit)],
        )
        movies = self._for_cards([Movie.from_dict(item) for item in found])
        return SearchResults(query=query, source=source, movies=movies)

    def movie(self, movie_id: str) -> Movie:
        """One film by id; NotFound when the provider does not know it."""
        found, source = self._answer(
            f"movie:{self.provider.name}:{movie_id}",
            lambda provider: _as_dict(provider.get(movie_id)),
        )
        if found is None and source != "fallback" and self.fallback is not None:
            # Unknown to the provider: it may be a film the fallback showed during an outage.
            with suppress(ProviderError):
                found = _as_dict(self.fallback.get(movie_id))
        if found is None and source == "fallback":
            raise ServiceUnavailable(
                "The movie service is unavailable right now, and this film is not in the "
                "built-in catalog. Please try again shortly."
            )
        if found is None:
            raise NotFound(f"No movie with id {movie_id!r}.", code="movie_not_found")
        movie = Movie.from_dict(found)
        return self.enricher.details(movie) if self.enricher else movie

    def cache_stats(self) -> dict[str, Any]:
        """The cache's counters, with the provider calls it did not save (0 before any)."""
        return {"provider_calls": 0, **self.cache.stats().to_dict()}

    def stats(self) -> dict[str, Any]:
        """The cache's shared counters (or why they cannot be read), and this process's view
        of the provider (calls, errors, latency, circuit, quota) and of the enrichment."""
        try:
            cache: dict[str, Any] = self.cache_stats()
        except CacheUnavailable as exc:
            cache = {"available": False, "error": str(exc)}
        if isinstance(self.cache, GuardedCache):
            cache["bypassed_here"] = self.cache.bypassed
        return {
            "cache": cache,
            "provider": {"name": self.provider.name, **self.provider.stats()},
            "enrichment": self.enricher.stats() if self.enricher else None,
        }

    def cache_available(self) -> bool:
        """False while the cache's store is being bypassed after a failure."""
        return not isinstance(self.cache, GuardedCache) or self.cache.available

    def credits(self) -> list[dict[str, str]]:
        """Who to credit on the page for the films it shows."""
        sources = [self.provider]
        if self.enricher:
            sources.append(self.enricher.tmdb)
        return [{"text": p.attribution, "url": p.attribution_url} for p in sources]

    def _for_cards(self, movies: list[Movie]) -> list[Movie]:
        return self.enricher.cards(movies) if self.enricher else movies

    def _ranked_candidates(self, provider: MovieProvider, genre: str) -> list[dict[str, Any]]:
        filters = self.filters
        if provider is not self.provider:  # the fallback counts votes in its own unit
            filters = replace(filters, min_votes=provider.default_min_votes)
        found = provider.discover(genre, filters, self.settings.fetch_limit)
        ranked = spotlight(
            rank(found, provider.prior_votes),
            self.settings.spotlight_countries,
            self.settings.spotlight_every,
        )
        return [movie.to_dict() for movie in ranked[: self.settings.max_candidates]]

    def _discover_key(self, genre: str) -> str:
        shape = json.dumps(
            [
                self.filters.key(),
                self.provider.prior_votes,
                self.settings.max_candidates,
                self.settings.spotlight_countries,
                self.settings.spotlight_every,
            ],
            separators=(",", ":"),
        )
        digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
        return f"discover:{self.provider.name}:{genre.casefold()}:{digest}"

    def _answer(self, key: str, compute: Callable[[MovieProvider], Any]) -> tuple[Any, str]:
        """(value, source): a fresh cache entry; else the provider's answer (then cached);
        else, if the provider fails, the stale entry; else the fallback provider's answer.
        Requests for the same missing key at the same time make one provider call: the
        others wait for it and read its answer from the cache."""
        entry = self.cache.get(key)
        if entry is not None and entry.fresh:
            return entry.value, "cache"
        with self._in_flight.lead(key) as leading:
            if not leading:  # another request just asked the provider for this key
                entry = self.cache.get(key)
                if entry is not None and entry.fresh:
                    return entry.value, "cache"
            return self._from_provider(key, compute, entry)

    def _from_provider(
        self, key: str, compute: Callable[[MovieProvider], Any], entry: CacheEntry | None
    ) -> tuple[Any, str]:
        self.cache.count("provider_calls")
        try:
            value = compute(self.provider)
        except ProviderError as exc:
            self.cache.count("provider_errors")
            if entry is not None:
                self.cache.count("stale_answers")
                return entry.value, "stale"
            if self.fallback is not None:
                try:
                    value = compute(self.fallback)
                except ProviderError:
                    pass
                else:
                    self.cache.count("fallback_answers")
                    return value, "fallback"
            raise ServiceUnavailable(
                "The movie service is unavailable right now. Please try again shortly."
            ) from exc
        # "Nothing found" is worth caching, but briefly: it must not pile up (every unknown id
        # and every odd search would stay a day) nor hide a film added since.
        self.cache.set(key, value, ttl=NEGATIVE_TTL if not value else None)
        return value, "provider"


class SingleFlight:
    """One leader per key at a time; the others wait (up to ``patience`` seconds) for it."""

    def __init__(self, patience: float = 10.0):
        self.patience = patience
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @contextmanager
    def lead(self, key: str) -> Iterator[bool]:
        """True: this caller leads (does the work); False: it waited for a leader."""
        with self._lock:
            running = self._events.get(key)
            if running is None:
                mine = self._events[key] = threading.Event()
        if running is not None:
            running.wait(self.patience)
            yield False
            return
        try:
            yield True
        finally:
            with self._lock:
                del self._events[key]
            mine.set()


def _as_dict(movie: Movie | None) -> dict[str, Any] | None:
    return movie.to_dict() if movie else None
