"""The recommender: the paper's Algorithm 1 with a cache in front of the provider.

emotion (+ mode) -> mood rule (genre, supporting and conflicting genres) -> the mood's
ranked pool, through the cache (``pools``, ``sources``) -> on a close call, the runner-up's
pool blended in -> a seeded rotation of the best films -> one page of films, each with the
reason it was picked. Also title search and a film's details, through the same cache.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, partial
from typing import Any

from emotionpix.cache import Cache
from emotionpix.core.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.core.filters import Choices, Filters, WatchFilter
from emotionpix.core.i18n import N_, gettext, language_name
from emotionpix.core.movies import Movie
from emotionpix.core.records import shape
from emotionpix.providers import MovieProvider, ProviderError
from emotionpix.providers.base import WatchSource
from emotionpix.recommend import requests, stats
from emotionpix.recommend.enrich import Enricher
from emotionpix.recommend.explain import reason, why
from emotionpix.recommend.moods import MODES, MoodRule, Moods, build_moods
from emotionpix.recommend.pools import MoodPools
from emotionpix.recommend.ranking import blend, rotate
from emotionpix.recommend.records import (
    BlendPart,
    Pick,
    Recommendations,
    SearchResults,
    SimilarFilms,
)
from emotionpix.recommend.sources import Sources, worst
from emotionpix.recommend.tones import ToneBook
from emotionpix.taste.crowd import Crowd
from emotionpix.taste.model import Taste
from emotionpix.taste.rerank import other_share, rerank
from emotionpix.taste.similar import similar

# Folded into every key under which films are cached: after a change of Movie's fields the
# entries written before are misses, never values that no longer decode.
MOVIE_SHAPE = shape(Movie)
# How the page names each provider's films.
PROVIDER_NAMES = {"catalog": N_("the offline catalog"), "tmdb": "TMDB", "imdb236": "IMDb"}
# A mood's ranked pool by (mode, emotion): ([{movie, fit, unit}], source).
PoolOf = Callable[[str, str], tuple[list[dict[str, Any]], str]]
WATCH_POOLS = 64  # pools for other filters (services, viewers' choices) kept built at once
KIN_GENRES = 3  # "more like this" looks among the films of the film's first genres
KIN_LIMIT = 400  # the most voted of each


@dataclass(frozen=True)
class Settings:
    """How results are shaped; built from configuration by ``wiring.py``."""

    page_size: int = 20
    max_candidates: int = 200
    rotation_pages: int = 2
    spotlight_countries: tuple[str, ...] = ("India",)
    spotlight_every: int = 4
    search_limit: int = 20
    fetch_limit: int = 5000
    # Top two emotions closer than this (probability) are blended (README, "Close calls").
    blend_margin: float = 0.3


class Recommender:
    """Emotion-to-movies, title search and movie details, each answered through the cache
    (``sources``: a failing provider is stood in for by a stale entry, else the ``fallback``
    provider). An ``enricher`` adds TMDB posters, plots and trailers to the films shown."""

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
        book: ToneBook | None = None,
    ):
        self.provider = provider
        self.cache = cache
        self.mapping = dict(mapping)
        self.filters = filters
        self.settings = settings or Settings()
        self.fallback = fallback
        self.enricher = enricher
        self.moods = moods or build_moods(self.mapping)
        self.book = book or ToneBook({})
        self._read_text = not getattr(provider, "generated_overviews", False)
        self.sources = Sources(provider, cache, fallback)
        self.pools = self._make_pools(filters)
        self._pools_digest = self.pools.digest()
        # Pools for films on given services (TMDB filters them at the source) or in the
        # viewer's languages and years, by filters; a small bounded memo.
        self._watch_pools: dict[Filters, tuple[MoodPools, str]] = {}
        self._movie_shape = MOVIE_SHAPE
        # What the members who let the app learn like, together (``taste.crowd``): every
        # viewer's taste starts from it. None until the app connects it (``web.taste``).
        self.crowd: Callable[[], Crowd | None] = _no_crowd

    def genre_for(self, emotion: str, mode: str = "match") -> str:
        """The genre the (normalised) emotion maps to; InvalidInput for an unknown label."""
        rules = self.moods.rules(requests.checked_mode(mode))
        return rules[requests.checked_emotion(emotion, self.mapping)].genre

    def recommend(
        self,
        emotion: str | None = None,
        page: int = 1,
        seed: int | None = None,
        mode: str = "match",
        probabilities: Mapping[str, float] | None = None,
        exclude: Collection[str] = (),
        watch: WatchFilter | None = None,
        exclude_tones: Collection[str] = (),
        choices: Choices | None = None,
        taste: Taste | None = None,
    ) -> Recommendations:
        """One page of films for ``emotion`` in ``mode`` ("match" the mood or "lift" it).

        ``probabilities`` (the photo's, as the emotion API gives them) make a close call
        possible: when the runner-up is within ``blend_margin`` of ``emotion`` (or,
        without one, of the most probable emotion), the two moods' films are blended in
        proportion. The same ``seed`` pages through one stable order; without a seed each
        call picks a fresh one (so a new first page). Films whose ids are in ``exclude``
        (those the viewer has seen) are left out. ``watch`` keeps only films available on
        the viewer's services, where the provider can filter at the source (TMDB); the
        others ignore it (the caller checks availability). Films with any tone or content
        note in ``exclude_tones`` ("harrowing", "gory", "sexual-violence") are left out.
        ``choices`` narrow the films to the viewer's languages, years, runtime and
        family-safety. A viewer's ``taste`` hides the films they said "not for me" to (and
        those "not in the mood" for, in that mood) and, once it has learned something,
        re-ranks the mood's films (``taste.rerank``: the static order as the prior, variety
        kept on the first page) in place of the seeded rotation; ``tuned`` then says so.
        Where the members who let the app learn have said enough (``self.crowd``), every
        viewer's ranking starts from what they liked (``taste.crowd``); ``crowd`` says so.
        """
        mode = requests.checked_mode(mode)
        plan = self._plan(emotion, probabilities)
        seed = requests.checked_seed(page, seed)
        size = self.settings.page_size
        window = size * self.settings.rotation_pages
        # Only the windows up to this page need blending and shuffling.
        needed = -(-page * size // window) * window
        shunned = requests.checked_tones(exclude_tones)
        labels = [label for label, _ in plan]
        hidden = (
            frozenset(exclude).union(*(taste.hidden(label) for label in labels))
            if taste
            else frozenset(exclude)
        )
        tuned = taste is not None and taste.learned
        crowd = self.crowd()
        reranked = tuned or crowd is not None
        within = self._pools_for(watch, choices)
        pool_of = cache(partial(self._pool, within=within))  # each pool read once a request
        parts = [(label, mode, weight) for label, weight in plan]
        if tuned and taste is not None:
            parts = _as_wished(parts, taste, pool_of)
        candidates, total, source = self._candidates(
            parts,
            self.settings.max_candidates if reranked else needed,
            hidden,
            pool_of,
            choices,
            shunned,
        )
        if reranked:
            head = rerank(
                candidates,
                lambda pair: pair[1]["movie"],
                lambda pair: parts[pair[0]][0],
                taste if taste is not None else Taste(),
                seed,
                size,
                crowd,
            )
        else:
            head = rotate(candidates, window, seed)
        rules = self.moods.rules(mode)
        picks = [
            _pick(
                item,
                self.moods.rules(parts[which][1])[parts[which][0]],
                parts[which][0],
                parts[which][1],
                runner_up=parts[which][0] != labels[0],
                taste=taste if tuned else None,
            )
            for which, item in head[(page - 1) * size : page * size]
        ]
        shown = self._for_cards([pick.movie for pick in picks])
        return Recommendations(
            drawn_from=self.drawn_from(source, choices),
            emotion=labels[0],
            genre=rules[labels[0]].genre,
            mode=mode,
            blend=[BlendPart(label, rules[label].genre, round(weight, 3)) for label, weight in plan]
            if len(plan) > 1
            else None,
            source=source,
            page=page,
            seed=seed,
            total=total,
            has_more=page * size < total,
            picks=[replace(pick, movie=movie) for pick, movie in zip(picks, shown, strict=True)],
            tuned=tuned,
            crowd=crowd is not None,
            wished=next((m for _, m, _ in parts if m != mode), None),
        )

    def similar(self, movie_id: str, hidden: Collection[str] = (), limit: int = 12) -> SimilarFilms:
        """ "More like this": the films that share most with ``movie_id`` (tones, genres,
        people, decade, language), looked for among the most voted films of its first
        genres (through the cache, like a mood's pool), never the film itself nor those in
        ``hidden``; each with a reason naming what they share."""
        film = self.movie(movie_id).to_dict()
        kin: list[dict[str, Any]] = []
        sources = []
        for genre in film["genres"][:KIN_GENRES]:
            found, source = self.sources.answer(
                self._key("kin", genre, self._pools_digest), partial(self._kin, genre=genre)
            )
            kin += found
            sources.append(source)
        shown = [m for m in kin if m["id"] not in hidden]
        found_similar = similar(film, shown, limit)
        picks = [Pick(Movie.from_dict(dict(m)), why_alike) for m, why_alike in found_similar]
        movies = self._for_cards([pick.movie for pick in picks])
        return SimilarFilms(
            movie_id=film["id"],
            source=worst(sources) if sources else "provider",
            picks=[replace(pick, movie=m) for pick, m in zip(picks, movies, strict=True)],
        )

    def _kin(self, provider: MovieProvider, *, genre: str) -> list[dict[str, Any]]:
        """The most voted films of ``genre`` that pass the filters, with their profiles."""
        filters = self.filters
        if provider is not self.provider:  # the fallback counts votes in its own unit
            filters = replace(filters, min_votes=provider.default_min_votes)
        read_text = not getattr(provider, "generated_overviews", False)
        return [
            self.book.stamp(m, read_text).to_dict()
            for m in provider.discover(genre, filters, KIN_LIMIT)
        ]

    def search(self, query: str, choices: Choices | None = None) -> SearchResults:
        """Films whose titles best match ``query`` (typos, accents and case forgiven), those
        the viewer's ``choices`` leave out counted in ``hidden``."""
        normalised = requests.checked_query(query)
        limit = self.settings.search_limit
        found, source = self.sources.answer(
            self._key("search", str(limit), normalised),
            lambda provider: [m.to_dict() for m in provider.search(query, limit)],
        )
        matched = [self._stamped(Movie.from_dict(item)) for item in found]
        kept = [m for m in matched if _chosen(m, choices)]
        movies = self._for_cards(kept)
        return SearchResults(
            query=query,
            source=source,
            movies=movies,
            hidden=len(matched) - len(kept),
            drawn_from=gettext("Searched %(source)s.", source=self._named(source)),
            not_found=None if matched else self._not_found(query, source),
        )

    def drawn_from(self, source: str, choices: Choices | None = None) -> str:
        """What a mood's films are drawn from, in words: "Drawn from the offline catalog
        (films up to 2014): in Hindi or English, from 1970, rated 7+ by at least 10
        critics." """
        filters = choices.narrow(self.filters) if choices else self.filters
        names = [language_name(name) for name in filters.languages]
        languages = names[0] if names else gettext("any language")
        for name in names[1:]:
            languages = gettext("%(first)s or %(second)s", first=languages, second=name)
        years = (
            gettext("from %(year)s", year=filters.year_from)
            if filters.year_to >= date.today().year
            else gettext("from %(start)s to %(end)s", start=filters.year_from, end=filters.year_to)
        )
        provider = self._provider_of(source)
        return gettext(
            "Drawn from %(source)s: in %(languages)s, %(years)s, rated %(rating)s+ by at least "
            "%(votes)s %(unit)s.",
            source=self._named(source),
            languages=languages,
            years=years,
            rating=f"{filters.min_rating:g}",
            votes=filters.min_votes,
            unit=gettext(provider.votes_unit),
        )

    def _provider_of(self, source: str) -> MovieProvider:
        """The provider whose films an answer from ``source`` holds."""
        if source == "fallback" and self.fallback is not None:
            return self.fallback
        return self.provider

    def _named(self, source: str) -> str:
        """ "the offline catalog (films up to 2014)", "TMDB"."""
        provider = self._provider_of(source)
        name = PROVIDER_NAMES.get(provider.name, provider.name)
        name = gettext(name) if provider.name in PROVIDER_NAMES else name
        last = getattr(provider, "last_year", None)
        return gettext("%(name)s (films up to %(year)s)", name=name, year=last) if last else name

    def _not_found(self, query: str, source: str) -> str:
        """Why a search found nothing: an offline catalog says where it ends, and how to
        get newer films, rather than blaming the spelling."""
        last = getattr(self._provider_of(source), "last_year", None)
        if last:
            return gettext(
                "“%(query)s” is not in the offline catalog, which ends in %(year)s — add a TMDB "
                "key for newer films. If it is older, try its original title or another spelling.",
                query=query,
                year=last,
            )
        return gettext(
            "No titles match “%(query)s”. Try its original title, another spelling or fewer words.",
            query=query,
        )

    def movie(self, movie_id: str) -> Movie:
        """One film by id; NotFound when the provider does not know it."""
        found, source = self.sources.answer(
            self._key("movie", movie_id), lambda provider: _as_dict(provider.get(movie_id))
        )
        if found is None and source != "fallback" and self.fallback is not None:
            # Unknown to the provider: it may be a film the fallback showed during an outage.
            with suppress(ProviderError):
                found = _as_dict(self.fallback.get(movie_id))
        if found is None and source == "fallback":
            raise ServiceUnavailable(
                gettext(
                    "The movie service is unavailable right now, and this film is not in the "
                    "built-in catalog. Please try again shortly."
                )
            )
        if found is None:
            raise NotFound(
                gettext("No movie with id %(movie_id)s.", movie_id=repr(movie_id)),
                code="movie_not_found",
            )
        movie = self._stamped(Movie.from_dict(found))
        return self.enricher.details(movie) if self.enricher else movie

    def _stamped(self, movie: Movie) -> Movie:
        """``movie`` with its tone profile (the book's, or read from its keywords and plot
        where its provider writes them)."""
        return self.book.stamp(movie, self._read_text)

    def cache_stats(self) -> dict[str, Any]:
        """The cache's counters, with the provider calls it did not save (0 before any)."""
        return stats.cache_stats(self.cache)

    def stats(self) -> dict[str, Any]:
        """The cache's shared counters, and this process's view of the provider and of the
        enrichment (``recommend/stats.py``)."""
        return stats.stats(self.cache, self.provider, self.enricher)

    def cache_available(self) -> bool:
        """False while the cache's store is being bypassed after a failure."""
        return self.cache.available

    def credits(self) -> list[dict[str, str]]:
        """Who to credit on the page for the films it shows."""
        sources = [self.provider]
        if self.enricher:
            sources.append(self.enricher.tmdb)
        return [{"text": p.attribution, "url": p.attribution_url} for p in sources]

    def _key(self, kind: str, *parts: str) -> str:
        """The cache key of an answer: what it is, from which provider, in which shape of
        Movie, then what was asked."""
        return ":".join((kind, self.provider.name, self._movie_shape, *parts))

    def _for_cards(self, movies: list[Movie]) -> list[Movie]:
        return self.enricher.cards(movies) if self.enricher else movies

    def _plan(
        self, emotion: str | None, probabilities: Mapping[str, float] | None
    ) -> list[tuple[str, float]]:
        """[(emotion, weight)]: the emotion alone or, on a close call, with the runner-up
        (the most probable other emotion), weighted in proportion to their probabilities.
        Without ``emotion`` the most probable one leads."""
        if not probabilities:
            if not emotion:
                raise InvalidInput(
                    gettext("Say which emotion: ?emotion=happy"), code="invalid_emotion"
                )
            return [(requests.checked_emotion(emotion, self.mapping), 1.0)]
        p = requests.checked_probabilities(probabilities)
        order = list(self.mapping)
        ranked = sorted(p, key=lambda label: (-p[label], order.index(label)))
        top = requests.checked_emotion(emotion, self.mapping) if emotion else ranked[0]
        if top not in p:
            raise InvalidInput(
                gettext("emotions must include %(top)s.", top=repr(top)), code="invalid_emotions"
            )
        second = next((label for label in ranked if label != top), None)
        if second is None or p[second] <= 0 or p[top] - p[second] > self.settings.blend_margin:
            return [(top, 1.0)]
        total = p[top] + p[second]
        return [(top, p[top] / total), (second, p[second] / total)]

    def count(
        self,
        emotion: str | None = None,
        mode: str = "match",
        probabilities: Mapping[str, float] | None = None,
        exclude: Collection[str] = (),
        watch: WatchFilter | None = None,
        exclude_tones: Collection[str] = (),
        choices: Choices | None = None,
    ) -> int:
        """How many films ``recommend`` has for these arguments in all (``total``)."""
        mode = requests.checked_mode(mode)
        plan = self._plan(emotion, probabilities)
        pools = self._pools_for(watch, choices)
        shunned = requests.checked_tones(exclude_tones)
        parts = [(label, mode, weight) for label, weight in plan]
        pool_of = partial(self._pool, within=pools)
        return self._candidates(parts, 0, frozenset(exclude), pool_of, choices, shunned)[1]

    @property
    def filters_availability(self) -> bool:
        """Whether the provider keeps only films on given services itself (TMDB does)."""
        return _is_watch_source(self.provider)

    def _pools_for(
        self, watch: WatchFilter | None, choices: Choices | None = None
    ) -> tuple[MoodPools, str]:
        """The pools (and their digest) for films available as ``watch`` says and in the
        languages and years ``choices`` asks for: pools of their own where the provider
        filters at the source, else the usual ones."""
        if not self.filters_availability:
            watch = None
        filters = replace(self.filters, watch=watch) if watch else self.filters
        if choices:
            filters = choices.narrow(filters)
        if filters == self.filters:
            return self.pools, self._pools_digest
        found = self._watch_pools.get(filters)
        if found is None:
            pools = self._make_pools(filters)
            if len(self._watch_pools) >= WATCH_POOLS:
                self._watch_pools.clear()
            found = self._watch_pools[filters] = (pools, pools.digest())
        return found

    def _make_pools(self, filters: Filters) -> MoodPools:
        return MoodPools(
            self.provider,
            filters,
            self.moods,
            size=self.settings.max_candidates,
            fetch_limit=self.settings.fetch_limit,
            spotlight_countries=self.settings.spotlight_countries,
            spotlight_every=self.settings.spotlight_every,
            book=self.book,
        )

    def _candidates(
        self,
        parts: list[tuple[str, str, float]],
        needed: int,
        exclude: frozenset[str],
        pool_of: PoolOf,
        choices: Choices | None = None,
        shunned: frozenset[str] = frozenset(),
    ) -> tuple[list[tuple[int, dict[str, Any]]], int, str]:
        """The first ``needed`` films of the parts' pools (mood, mode, weight) blended, as
        (which part, item); how many there are in all; and where they came from. Films in
        ``exclude`` and those with a tone or content note in ``shunned`` are left out."""
        pools = [pool_of(mode, label) for label, mode, _ in parts]
        lists = [
            [
                i
                for i in items
                if i["movie"]["id"] not in exclude
                and not (shunned and _tags(i["movie"]) & shunned)
                and (not choices or _chosen(Movie.from_dict(i["movie"]), choices))
            ]
            for items, _ in pools
        ]
        ids = {item["movie"]["id"] for items in lists for item in items}
        total = min(len(ids), self.settings.max_candidates)
        head = blend(lists, [w for _, _, w in parts], lambda item: item["movie"]["id"], needed)
        return head[:total], total, worst(source for _, source in pools)

    def _pool(
        self, mode: str, emotion: str, within: tuple[MoodPools, str] | None = None
    ) -> tuple[list[dict[str, Any]], str]:
        """The ranked films of one mood, through the cache: ([{movie, fit, unit}], source).
        Each mood and mode has an entry of its own (sad and neutral share a genre, not a
        pool), and a change of filters, ranking or mood rules reads no old entry."""
        pools, digest = within or (self.pools, self._pools_digest)
        pool: list[dict[str, Any]]
        pool, source = self.sources.answer(
            self._key("mood", mode, emotion, digest),
            lambda provider: pools.ranked(provider, mode, emotion),
            usable=bool,
        )
        return pool, source


def _is_watch_source(provider: object) -> bool:
    return isinstance(provider, WatchSource)


def _tags(movie: dict[str, Any]) -> set[str]:
    """A cached film's tones and content notes."""
    return {*(movie.get("tones") or ()), *(movie.get("content_notes") or ())}


def _chosen(movie: Movie, choices: Choices | None) -> bool:
    """Whether ``movie`` passes the viewer's ``choices`` (all of them, where the provider
    did not apply languages and years itself: a search, a cached stand-in)."""
    if not choices:
        return True
    narrowed = choices.narrow(Filters(min_rating=0, min_votes=0, year_from=0, year_to=9999))
    if choices.languages and not narrowed.matches_languages(movie):
        return False
    if movie.year is not None and not narrowed.year_from <= movie.year <= narrowed.year_to:
        return False
    return choices.keeps(movie)


def _no_crowd() -> Crowd | None:
    return None


def _as_dict(movie: Movie | None) -> dict[str, Any] | None:
    return movie.to_dict() if movie else None


def _as_wished(
    parts: list[tuple[str, str, float]], taste: Taste, pool_of: PoolOf
) -> list[tuple[str, str, float]]:
    """The plan's (mood, mode, weight) parts, each mood's films drawn partly from its other
    rules where the viewer's wish in that mood says they suit better
    (``taste.rerank.other_share``): "sad, and wants cheering up" learned per viewer."""
    wished = []
    for label, mode, weight in parts:
        other = MODES[1 - MODES.index(mode)]
        share, wish = 0.0, taste.wish(label)
        if wish:  # (else no pool need be read)
            asked = [i["movie"] for i in pool_of(mode, label)[0]]
            others = [i["movie"] for i in pool_of(other, label)[0]]
            share = other_share(wish, asked, others)
        wished.append((label, mode, weight * (1 - share)))
        if share > 0:
            wished.append((label, other, weight * share))
    return wished


def _pick(
    item: dict[str, Any],
    rule: MoodRule,
    emotion: str,
    mode: str,
    runner_up: bool,
    taste: Taste | None = None,
) -> Pick:
    """A cached pool item as a Pick, with its reason in the viewer's language (and, with a
    taste, naming the liked film it resembles)."""
    movie = Movie.from_dict(item["movie"])
    liked = taste.resembles(item["movie"]) if taste is not None else None
    # "unit": the votes' unit of the provider that gave the film (the fallback's may differ)
    text = reason(movie, rule, item.get("unit", "votes"), why(emotion, mode, runner_up), liked)
    return Pick(movie, text)
