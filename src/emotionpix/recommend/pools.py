"""A mood's pool: the films of its genre that pass the filters and fit the mood, ranked
(weighted rating + the fit's bonus, then the origin spotlight), as the items the cache keeps
(``{movie, fit, unit}``: the reason is worded when shown); and a digest of everything a pool
depends on, for its cache key.

Each film is stamped with its tone profile first (``tones.ToneBook``), so the fit, the reason
and the record the API returns all speak of the same profile. Films a provider describes in
its own words (TMDB, IMDb236) without a team profile get tones read from those words, or fit
by their genres alone. The embedded catalog's overviews are written from its genres, so for
it the team's table is the only word on how a film feels: its mood pools hold only profiled
films (3,948 of them; a film the labellers did not know is found by search, not recommended
for a mood on a guess)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.providers import MovieProvider
from emotionpix.recommend.fit import MoodFit
from emotionpix.recommend.moods import MODES, Moods
from emotionpix.recommend.ranking import rank, spotlight
from emotionpix.recommend.tones import ToneBook


class MoodPools:
    """Builds pools from ``provider`` (or its fallback, which counts votes in its own unit)
    under ``filters``; at most ``size`` films each, of the first ``fetch_limit`` found."""

    def __init__(
        self,
        provider: MovieProvider,
        filters: Filters,
        moods: Moods,
        *,
        size: int,
        fetch_limit: int,
        spotlight_countries: tuple[str, ...],
        spotlight_every: int,
        book: ToneBook | None = None,
    ):
        self.provider = provider
        self.filters = filters
        self.moods = moods
        self.size, self.fetch_limit = size, fetch_limit
        self.spotlight_countries, self.spotlight_every = spotlight_countries, spotlight_every
        self._fit = {mode: MoodFit(moods.rules(mode), moods.settings) for mode in MODES}
        self.book = book or ToneBook({})

    def ranked(self, provider: MovieProvider, mode: str, emotion: str) -> list[dict[str, Any]]:
        """The mood's films from ``provider``, best first."""
        rule, scorer = self.moods.rules(mode)[emotion], self._fit[mode]
        filters = self.filters
        if provider is not self.provider:  # the fallback counts votes in its own unit
            filters = replace(filters, min_votes=provider.default_min_votes)
        read_text = not getattr(provider, "generated_overviews", False)
        found = [
            self.book.stamp(movie, read_text)
            for movie in provider.discover(rule.genre, filters, self.fetch_limit)
        ]
        # Films of the rule's genre as the provider names it (TMDB's "Music" for "Musical")
        # are scored as films of that genre.
        scored = {movie.id: _filed_under(movie, rule.genre) for movie in found}
        fits = {movie.id: scorer.fit(scored[movie.id], emotion) for movie in found}
        fitting = [m for m in found if fits[m.id] >= self.moods.settings.threshold]
        ranked = rank(fitting, provider.prior_votes, lambda m: scorer.bonus(scored[m.id], emotion))
        spot = (self.spotlight_countries, self.spotlight_every)
        if not read_text and len(self.book):  # the book is the only word on how these films
            ranked = [m for m in ranked if m.tones]  # feel: only the profiled ones
        ranked = spotlight(ranked, *spot)
        return [
            {
                "movie": movie.to_dict(),
                "fit": round(fits[movie.id], 3),
                # The reason is worded when shown, in the viewer's language (explain.reason)
                "unit": provider.votes_unit,
            }
            for movie in ranked[: self.size]
        ]

    def digest(self) -> str:
        """What the pools depend on besides mode and emotion: filters, ranking settings and
        every mood rule (variety compares all moods)."""
        shape = json.dumps(
            [
                self.filters.key(),
                self.provider.prior_votes,
                self.provider.votes_unit,
                self.size,
                self.spotlight_countries,
                self.spotlight_every,
                self.moods.key(),
                len(self.book),
                self.book.version,
                "unit",  # items name their votes' unit (they held an English reason before)
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(shape.encode()).hexdigest()[:16]


def _filed_under(movie: Movie, genre: str) -> Movie:
    """``movie`` with ``genre`` among its genres (for scoring: the record is not changed)."""
    if genre.casefold() in (g.casefold() for g in movie.genres):
        return movie
    return replace(movie, genres=(*movie.genres, genre))
