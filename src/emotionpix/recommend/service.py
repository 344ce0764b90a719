"""The recommendation service: the paper's Algorithm 1 with a cache in front of the provider.

emotion -> genre (mapping) -> cached ranked candidates (provider + filters + ranking)
-> a seeded rotation of the best ones -> one page of films.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emotionpix.cache import Cache
from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.core.text import normalise
from emotionpix.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.providers import MovieProvider, ProviderError
from emotionpix.recommend.ranking import rank, rotate, spotlight

MAX_QUERY_LENGTH = 200
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
    source: str  # "cache" | "provider" | "stale"
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
    """Emotion-to-movies, title search and movie details, each answered through the cache."""

    def __init__(
        self,
        provider: MovieProvider,
        cache: Cache,
        mapping: Mapping[str, str],
        filters: Filters,
        settings: Settings | None = None,
    ):
        self.provider = provider
        self.cache = cache
        self.mapping = dict(mapping)
        self.filters = filters
        self.settings = settings or Settings()

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
        candidates, source = self._cached(
            self._discover_key(genre), lambda: self._ranked_candidates(genre)
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
            movies=[Movie.from_dict(item) for item in chosen],
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
        found, source = self._cached(
            f"search:{self.provider.name}:{limit}:{key}",
            lambda: [m.to_dict() for m in self.provider.search(query, limit)],
        )
        return SearchResults(
            query=query, source=source, movies=[Movie.from_dict(item) for item in found]
        )

    def movie(self, movie_id: str) -> Movie:
        """One film by id; NotFound when the provider does not know it."""
        found, _ = self._cached(
            f"movie:{self.provider.name}:{movie_id}", lambda: self._movie_dict(movie_id)
        )
        if found is None:
            raise NotFound(f"No movie with id {movie_id!r}.", code="movie_not_found")
        return Movie.from_dict(found)

    def cache_stats(self) -> dict[str, Any]:
        """The cache's counters, with the provider calls it did not save (0 before any)."""
        return {"provider_calls": 0, **self.cache.stats().to_dict()}

    def _movie_dict(self, movie_id: str) -> dict[str, Any] | None:
        movie = self.provider.get(movie_id)
        return movie.to_dict() if movie else None

    def _ranked_candidates(self, genre: str) -> list[dict[str, Any]]:
        found = self.provider.discover(genre, self.filters, self.settings.fetch_limit)
        ranked = spotlight(
            rank(found, self.provider.prior_votes),
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

    def _cached(self, key: str, compute: Callable[[], Any]) -> tuple[Any, str]:
        """(value, source): fresh cache, else the provider, else a stale cache entry."""
        entry = self.cache.get(key)
        if entry is not None and entry.fresh:
            return entry.value, "cache"
        self.cache.count("provider_calls")
        try:
            value = compute()
        except ProviderError as exc:
            if entry is not None:
                return entry.value, "stale"
            raise ServiceUnavailable(
                "The movie service is unavailable right now. Please try again shortly."
            ) from exc
        self.cache.set(key, value)
        return value, "provider"
