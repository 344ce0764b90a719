"""A movie provider in one file: three films in memory, their posters on one origin (a
setting of its own). Nothing else in the code names it: a fixture registers ``PROVIDER``
(``emotionpix.providers.register``), and ``PROVIDER=tiny`` then serves its films."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.core.settings import Setting
from emotionpix.providers import MovieProvider, ProviderSpec
from emotionpix.providers.catalog import GENRES as CATALOG_GENRES

POSTERS = "http://posters.tiny.test"

FILMS = (
    Movie("tiny-1", "A Cheerful Picnic", 2001, ("Comedy",), 8.2, 40, ("English",), ("India",)),
    Movie("tiny-2", "Laughing Lanterns", 2012, ("Comedy",), 7.6, 25, ("Hindi",), ("India",)),
    Movie("tiny-3", "The Long Winter", 1994, ("Drama",), 8.8, 60, ("English",), ("Norway",)),
)


class TinyProvider(MovieProvider):
    """MovieProvider over FILMS, with posters at ``posters`` (an origin)."""

    name = "tiny"
    votes_meaning = "tiny votes"
    votes_unit = "votes"
    cast_in_billing_order = True
    default_min_votes = 1
    prior_votes = 10
    attribution = "Films from the tiny test provider."
    attribution_url = "https://example.org/tiny"

    def __init__(self, posters: str = POSTERS):
        self.films = tuple(replace(m, poster_url=f"{posters}/{m.id}.jpg") for m in FILMS)

    def check_filters(self, filters: Filters) -> None:
        """Any filter applies."""

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]:
        return [m for m in self.films if genre in m.genres and filters.matches(m)][:limit]

    def search(self, query: str, limit: int) -> list[Movie]:
        return [m for m in self.films if query.casefold() in m.title.casefold()][:limit]

    def get(self, movie_id: str) -> Movie | None:
        return next((m for m in self.films if m.id == movie_id), None)

    def stats(self) -> dict[str, Any]:
        return {}


PROVIDER = ProviderSpec(
    name="tiny",
    build=lambda config: TinyProvider(config["TINY_POSTERS"]),
    settings=(Setting("TINY_POSTERS", str, POSTERS, "where the tiny provider's posters are"),),
    images=lambda config: (config["TINY_POSTERS"],),
    # The names its discover understands: IMDb's, like the embedded catalog's (it has films
    # of two of them). The mood rules ask only for names listed here, or start-up stops.
    genres=CATALOG_GENRES,
)
