"""Test doubles that honour the real protocols."""

from __future__ import annotations

import threading
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.providers import ProviderError

# The keys of a Movie in the API (the interface).
MOVIE_FIELDS = {
    "id",
    "title",
    "year",
    "genres",
    "rating",
    "votes",
    "languages",
    "countries",
    "overview",
    "poster_url",
    "backdrop_url",
    "runtime",
    "director",
    "cast",
    "imdb_id",
    "trailer_url",
    "original_title",
    "keywords",
    "tones",
    "ending",
    "intensity",
    "content_notes",
    "tones_from",
    "certificate",
}


class FakeProvider:
    """A MovieProvider over a fixed list of films that counts calls and can be made to fail."""

    votes_meaning = "test votes"
    cast_in_billing_order = True
    votes_unit = "votes"
    prior_votes = 10
    attribution = "Test films."
    attribution_url = "https://example.org/"

    def __init__(self, movies: list[Movie], name: str = "fake", default_min_votes: int = 0):
        self.movies = movies
        self.name = name
        self.default_min_votes = default_min_votes
        self.calls = 0
        self.failing = False
        self.gate: threading.Event | None = None  # when set: every call waits for it

    def check_filters(self, filters: Filters) -> None:
        """Any filter applies."""

    def stats(self) -> dict[str, Any]:
        return {"calls": self.calls}

    def _call(self) -> None:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        if self.failing:
            raise ProviderError("provider is down")

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]:
        self._call()
        return [m for m in self.movies if genre in m.genres and filters.matches(m)][:limit]

    def search(self, query: str, limit: int) -> list[Movie]:
        self._call()
        return [m for m in self.movies if query.lower() in m.title.lower()][:limit]

    def get(self, movie_id: str) -> Movie | None:
        self._call()
        return next((m for m in self.movies if m.id == movie_id), None)


def make_movies(genre: str, count: int, **fields: Any) -> list[Movie]:
    """``count`` distinct qualifying films of ``genre``, best-rated first; ``fields`` override
    the defaults (200 votes, English, from the United States)."""
    return [
        Movie(
            **{
                "id": f"{genre[:3].lower()}{i}",
                "title": f"{genre} Film {i}",
                "year": 1990 + i % 30,
                "genres": (genre,),
                "rating": round(9.5 - i * 0.02, 2),
                "votes": 200,
                "languages": ("English",),
                "countries": ("United States",),
                **fields,
            }
        )
        for i in range(count)
    ]


def film(
    movie_id: str, *genres: str, rating: float | None = 8.0, votes: int = 100, **fields: object
) -> Movie:
    """One qualifying film of ``genres`` (mood-fit tests)."""
    return Movie(
        id=movie_id,
        title=f"Film {movie_id}",
        year=2000,
        genres=genres,
        rating=rating,
        votes=votes,
        languages=("English",),
        countries=("United States",),
        **fields,  # type: ignore[arg-type]
    )
