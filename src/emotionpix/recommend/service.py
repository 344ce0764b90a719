"""The recommendation service: the paper's Algorithm 1 with a cache in front of the provider.

emotion (+ mode) -> mood rule (genre, supporting and conflicting genres) -> cached ranked
candidates (provider + filters + mood fit + ranking) -> on a close call, the runner-up's
candidates blended in -> a seeded rotation of the best ones -> one page of films, each with
the reason it was picked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any

from emotionpix.cache import Cache, CacheEntry, CacheUnavailable, GuardedCache
from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.core.text import normalise
from emotionpix.providers import MovieProvider, ProviderError
from emotionpix.recommend.enrich import Enricher
from emotionpix.recommend.explain import describe, why
from emotionpix.recommend.fit import MoodFit
from emotionpix.recommend.moods import MODES, Moods, build_moods
from emotionpix.recommend.ranking import blend, rank, rotate, spotlight

MAX_QUERY_LENGTH = 200
NEGATIVE_TTL = 60  # seconds an empty answer (unknown id, no search match) stays cached
MAX_PAGE = 1000
MAX_SEED = 2**31 - 1

log = logging.getLogger(__name__)


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
    # Top two emotions closer than this (probability) are blended (README, "Close calls").
    blend_margin: float = 0.3


@dataclass(frozen=True)
class Pick:
    """A recommended film and why it was picked (the reason belongs to the recommendation,
    not to the provider's record)."""

    movie: Movie
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.movie.to_dict(), "reason": self.reason}


@dataclass(frozen=True)
class Recommendations:
    emotion: str
    genre: str
    mode: str  # "match" | "lift"
    source: str  # "cache" | "provider" | "stale" | "fallback"
    picks: list[Pick]
    page: int
    seed: int
    total: int
    has_more: bool
    # On a close call: [{"emotion", "genre", "weight"}] of the two moods blended.
    blend: list[dict[str, Any]] | None = None

    @property
    def movies(self) -> list[Movie]:
        return [pick.movie for pick in self.picks]

    def to_dict(self) -> dict[str, Any]:
        return {
            "emotion": self.emotion,
            "genre": self.genre,
            "mode": self.mode,
            "blend": self.blend,
            "source": self.source,
            "page": self.page,
            "seed": self.seed,
            "total": self.total,
            "has_more": self.has_more,
            "movies": [pick.to_dict() for pick in self.picks],
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
    A provider that answers a mood with no films at all (a genre it lacks, say) is treated
    the same way: an emotion always gets films.
    An ``enricher`` adds TMDB posters, plots and trailers to the films shown.
    """

    def __init__(
        self,
        provider: MovieProvider,
        cache: Cache,
        mapping: Mapping[str, str],
        filters: Filters,
        settings: Settings | None = None,
        moods: Moods | None = None,
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
        self.moods = moods or build_moods(self.mapping)
        self._fit = {mode: MoodFit(self.moods.rules(mode), self.moods.settings) for mode in MODES}
        self._shape = self._shape_digest()

    def genre_for(self, emotion: str, mode: str = "match") -> str:
        """The genre the (normalised) emotion maps to; InvalidInput for an unknown label."""
        return self.moods.rules(self._mode(mode))[self._emotion(emotion)].genre

    def recommend(
        self,
        emotion: str | None = None,
        page: int = 1,
        seed: int | None = None,
        mode: str = "match",
        probabilities: Mapping[str, float] | None = None,
        exclude: Collection[str] = (),
    ) -> Recommendations:
        """One page of films for ``emotion`` in ``mode`` ("match" the mood or "lift" it).

        ``probabilities`` (the photo's, as the emotion API gives them) make a close call
        possible: when the runner-up is within ``blend_margin`` of ``emotion`` (or,
        without one, of the most probable emotion), the two moods' films are blended in
        proportion. The same ``seed`` pages through one stable order; without a seed each
        call picks a fresh one (so a new first page). Films whose ids are in ``exclude``
        (those the viewer has seen) are left out.
        """
        mode = self._mode(mode)
        plan = self._plan(emotion, probabilities)
        seed = _checked_seed(page, seed)
        size = self.settings.page_size
        window = size * self.settings.rotation_pages
        # Only the windows up to this page need blending and shuffling.
        needed = -(-page * size // window) * window
        candidates, total, source = self._candidates(mode, plan, needed, frozenset(exclude))
        head = rotate(candidates, window, seed)
        rules = self.moods.rules(mode)
        labels = [label for label, _ in plan]
        picks = [
            _pick(item, labels[which], mode, runner_up=which > 0)
            for which, item in head[(page - 1) * size : page * size]
        ]
        shown = self._for_cards([pick.movie for pick in picks])
        return Recommendations(
            emotion=labels[0],
            genre=rules[labels[0]].genre,
            mode=mode,
            source=source,
            picks=[replace(pick, movie=movie) for pick, movie in zip(picks, shown, strict=True)],
            page=page,
            seed=seed,
            total=total,
            has_more=page * size < total,
            blend=[
                {"emotion": label, "genre": rules[label].genre, "weight": round(weight, 3)}
                for label, weight in plan
            ]
            if len(plan) > 1
            else None,
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

    def _emotion(self, label: str) -> str:
        try:
            return normalise_emotion(label)
        except UnknownEmotion:
            known = ", ".join(self.mapping)
            raise InvalidInput(
                f"Unknown emotion {label!r}. Use one of: {known}.", code="invalid_emotion"
            ) from None

    @staticmethod
    def _mode(mode: str) -> str:
        if mode not in MODES:
            raise InvalidInput(
                f"mode must be one of: {', '.join(MODES)}; got {mode!r}.", code="invalid_mode"
            )
        return mode

    def _plan(
        self, emotion: str | None, probabilities: Mapping[str, float] | None
    ) -> list[tuple[str, float]]:
        """[(emotion, weight)]: the emotion alone or, on a close call, with the runner-up
        (the most probable other emotion), weighted in proportion to their probabilities.
        Without ``emotion`` the most probable one leads."""
        if not probabilities:
            if not emotion:
                raise InvalidInput("Say which emotion: ?emotion=happy", code="invalid_emotion")
            return [(self._emotion(emotion), 1.0)]
        p = self._probabilities(probabilities)
        order = list(self.mapping)
        ranked = sorted(p, key=lambda label: (-p[label], order.index(label)))
        top = self._emotion(emotion) if emotion else ranked[0]
        if top not in p:
            raise InvalidInput(f"emotions must include {top!r}.", code="invalid_emotions")
        second = next((label for label in ranked if label != top), None)
        if second is None or p[second] <= 0 or p[top] - p[second] > self.settings.blend_margin:
            return [(top, 1.0)]
        total = p[top] + p[second]
        return [(top, p[top] / total), (second, p[second] / total)]

    def _probabilities(self, probabilities: Mapping[str, float]) -> dict[str, float]:
        checked: dict[str, float] = {}
        for label, p in probabilities.items():
            try:
                emotion = normalise_emotion(label)
            except UnknownEmotion:
                raise InvalidInput(
                    f"Unknown emotion {label!r} in emotions.", code="invalid_emotions"
                ) from None
            if not isinstance(p, int | float) or not 0 <= p <= 1 or emotion in checked:
                raise InvalidInput(
                    "emotions gives each emotion once, with a probability from 0 to 1.",
                    code="invalid_emotions",
                )
            checked[emotion] = float(p)
        return checked

    def _candidates(
        self, mode: str, plan: list[tuple[str, float]], needed: int, exclude: frozenset[str]
    ) -> tuple[list[tuple[int, dict[str, Any]]], int, str]:
        """The first ``needed`` films of the plan's moods blended, as (which mood, item); how
        many there are in all; and where they came from."""
        pools = [self._pool(mode, label) for label, _ in plan]
        lists = [[i for i in items if i["movie"]["id"] not in exclude] for items, _ in pools]
        ids = {item["movie"]["id"] for items in lists for item in items}
        total = min(len(ids), self.settings.max_candidates)
        head = blend(lists, [w for _, w in plan], lambda item: item["movie"]["id"], needed)
        return head[:total], total, _worst(source for _, source in pools)

    def _pool(self, mode: str, emotion: str) -> tuple[list[dict[str, Any]], str]:
        """The ranked films of one mood, through the cache: ([{movie, fit, about}], source)."""
        key = f"mood:{self.provider.name}:{mode}:{emotion}:{self._shape}"
        pool: list[dict[str, Any]]
        pool, source = self._answer(
            key, lambda provider: self._ranked(provider, mode, emotion), usable=bool
        )
        return pool, source

    def _ranked(self, provider: MovieProvider, mode: str, emotion: str) -> list[dict[str, Any]]:
        """The films of the mood's genre that pass the filters and fit the mood, best first:
        weighted rating + the fit's bonus, then the origin spotlight."""
        rule, scorer = self.moods.rules(mode)[emotion], self._fit[mode]
        filters = self.filters
        if provider is not self.provider:  # the fallback counts votes in its own unit
            filters = replace(filters, min_votes=provider.default_min_votes)
        found = provider.discover(rule.genre, filters, self.settings.fetch_limit)
        # Films of the rule's genre as the provider names it (TMDB's "Music" for "Musical")
        # are scored as films of that genre.
        scored = {movie.id: _filed_under(movie, rule.genre) for movie in found}
        fits = {movie.id: scorer.fit(scored[movie.id], emotion) for movie in found}
        fitting = [m for m in found if fits[m.id] >= self.moods.settings.threshold]
        ranked = spotlight(
            rank(fitting, provider.prior_votes, lambda m: scorer.bonus(scored[m.id], emotion)),
            self.settings.spotlight_countries,
            self.settings.spotlight_every,
        )
        return [
            {
                "movie": movie.to_dict(),
                "fit": round(fits[movie.id], 3),
                "about": describe(movie, rule, provider.votes_unit),
            }
            for movie in ranked[: self.settings.max_candidates]
        ]

    def _shape_digest(self) -> str:
        """What the ranked pools depend on besides mode and emotion, for their cache keys:
        filters, ranking settings and every mood rule (variety compares all moods)."""
        shape = json.dumps(
            [
                self.filters.key(),
                self.provider.prior_votes,
                self.provider.votes_unit,
                self.settings.max_candidates,
                self.settings.spotlight_countries,
                self.settings.spotlight_every,
                self.moods.key(),
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(shape.encode()).hexdigest()[:16]

    def _answer(
        self,
        key: str,
        compute: Callable[[MovieProvider], Any],
        usable: Callable[[Any], bool] = lambda value: True,
    ) -> tuple[Any, str]:
        """(value, source): a fresh cache entry; else the provider's answer (then cached);
        else, if the provider fails or its answer is not ``usable`` (an empty pool of
        films), the stale entry; else the fallback provider's answer. Requests for the same
        missing key at the same time make one provider call: the others wait for it and
        read its answer from the cache."""
        entry = self.cache.get(key)
        if entry is not None and entry.fresh:
            return entry.value, "cache"
        with self._in_flight.lead(key) as leading:
            if not leading:  # another request just asked the provider for this key
                entry = self.cache.get(key)
                if entry is not None and entry.fresh:
                    return entry.value, "cache"
            return self._from_provider(key, compute, entry, usable)

    def _from_provider(
        self,
        key: str,
        compute: Callable[[MovieProvider], Any],
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
        self,
        compute: Callable[[MovieProvider], Any],
        entry: CacheEntry | None,
        usable: Callable[[Any], bool],
    ) -> tuple[Any, str] | None:
        """What answers for a provider that could not: the expired entry (if ``usable``),
        else the fallback provider's answer; None when neither can."""
        if entry is not None and usable(entry.value):
            return entry.value, "stale"
        if self.fallback is not None:
            with suppress(ProviderError):
                return compute(self.fallback), "fallback"
        return None


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


def _worst(sources: Iterable[str]) -> str:
    """One source for a blend: the most degraded of its pools ("fallback", then "stale"),
    else "provider" if any was fetched."""
    found = set(sources)
    return next((s for s in ("fallback", "stale", "provider") if s in found), "cache")


def _filed_under(movie: Movie, genre: str) -> Movie:
    """``movie`` with ``genre`` among its genres (for scoring: the record is not changed)."""
    if genre.casefold() in (g.casefold() for g in movie.genres):
        return movie
    return replace(movie, genres=(*movie.genres, genre))


def _as_dict(movie: Movie | None) -> dict[str, Any] | None:
    return movie.to_dict() if movie else None


def _checked_seed(page: int, seed: int | None) -> int:
    """``seed``, or a fresh one; InvalidInput for a page or seed out of range."""
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"page must be between 1 and {MAX_PAGE}.", code="invalid_page")
    if seed is None:
        return random.randint(0, MAX_SEED)
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"seed must be between 0 and {MAX_SEED}.", code="invalid_seed")
    return seed


def _pick(item: dict[str, Any], emotion: str, mode: str, runner_up: bool) -> Pick:
    """A cached pool item as a Pick, its reason ended for the mood it was picked for."""
    reason = f"{item['about']} — {why(emotion, mode, runner_up)}"
    return Pick(Movie.from_dict(item["movie"]), reason)
