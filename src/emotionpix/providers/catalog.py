"""The embedded catalog: 17,472 films from Wikidata (CC0), bundled with the package.

Built by ``scripts/build_catalog.py``; see ``data/PROVENANCE.md``. The whole catalog is held
in memory (about 0.2 s to load), so every query is a scan or an index lookup, no I/O. A
hand-written table (``data/aliases.json``, 1,109 films) adds the names the source lacks:
original titles of translated ones, titles in their own scripts, common abbreviations
("K3G", "DDLJ"), and the title a film is known by where the catalog's is a literal
translation.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.i18n import N_
from emotionpix.core.movies import Movie
from emotionpix.core.settings import Setting
from emotionpix.providers.base import MovieProvider, ProviderError
from emotionpix.providers.registry import ProviderSpec
from emotionpix.providers.titles import TitleIndex

BUNDLED_CATALOG = Path(__file__).parent / "data" / "catalog.json.gz"
BUNDLED_ALIASES = Path(__file__).parent / "data" / "aliases.json"
# The bundled catalog's genres (IMDb's names, as Wikidata gives them; a test checks them).
GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Sport",
    "Thriller",
    "War",
    "Western",
)


def describe(row: dict[str, Any]) -> str:
    """A short factual summary built from the catalog's fields (the source has no plots)."""
    genres = [g.lower() for g in row["genres"]]
    kind = (
        f"{', '.join(genres[:-1])} and {genres[-1]}"
        if len(genres) > 1
        else (genres[0] if genres else "film")
    )
    origin = f" from {_join(row['countries'])}" if row["countries"] else ""
    year = f" ({row['year']})" if row["year"] else ""
    parts = [f"{kind[:1].upper()}{kind[1:]}{origin}{year}."]
    if row["director"]:
        parts.append(f"Directed by {row['director']}.")
    if row["languages"]:
        parts.append(f"In {_join(row['languages'])}.")
    if row["rating"] is not None and row["votes"]:
        meter = f", {row['meter']}% positive" if row["meter"] is not None else ""
        reviews = "review" if row["votes"] == 1 else "reviews"
        parts.append(f"Critics: {row['rating']:.1f}/10 from {row['votes']} {reviews}{meter}.")
    return " ".join(parts)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _to_movie(row: dict[str, Any]) -> Movie:
    return Movie(
        id=row["id"],
        title=row["title"],
        year=row["year"],
        genres=tuple(row["genres"]),
        rating=row["rating"],
        votes=row["votes"],
        languages=tuple(row["languages"]),
        countries=tuple(row["countries"]),
        overview=describe(row),
        runtime=row["runtime"],
        director=row["director"],
        cast=tuple(row["cast"]),
        imdb_id=row["imdb_id"],
        certificate=row.get("certificate"),
    )


@lru_cache(maxsize=4)
def load_catalog(path: Path) -> tuple[Movie, ...]:
    """Read a catalog file once per process."""
    try:
        with gzip.open(path, "rb") as handle:
            payload = json.loads(handle.read())
        columns = payload["columns"]
        movies = tuple(_to_movie(dict(zip(columns, row, strict=True))) for row in payload["rows"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ProviderError(f"cannot read movie catalog {path}: {exc}") from exc
    return movies


@lru_cache(maxsize=4)
def load_aliases(path: Path) -> dict[str, dict[str, Any]]:
    """The alias table: Wikidata id -> {"title", "original" (optional), "aliases"}."""
    try:
        films: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["films"]
    except (OSError, ValueError, KeyError) as exc:
        raise ProviderError(f"cannot read title aliases {path}: {exc}") from exc
    return films


class CatalogProvider(MovieProvider):
    """MovieProvider over the embedded catalog. Votes are critic reviews (tens, not
    thousands), so the default minimum and the ranking prior are scaled to match."""

    name = "catalog"
    votes_meaning = N_("Rotten Tomatoes critic reviews")
    cast_in_billing_order = False  # the source lists the cast alphabetically
    # Overviews are written from the genres and credits (``describe``): no words to read a
    # film's tone from.
    generated_overviews = True
    votes_unit = N_("critics")
    default_min_votes = 10
    prior_votes = 25
    attribution = N_(
        "Movie data: Wikidata contributors (CC0), up to 2014. "
        "Ratings are Rotten Tomatoes critic averages."
    )
    attribution_url = "https://www.wikidata.org/"

    def __init__(self, path: Path = BUNDLED_CATALOG, aliases: Path = BUNDLED_ALIASES):
        table = load_aliases(Path(aliases))
        self._movies = tuple(
            _named(movie, table[movie.id]) if movie.id in table else movie
            for movie in load_catalog(Path(path))
        )
        self._by_id = {movie.id: movie for movie in self._movies}
        # Its newest film's year: what the page says it cannot have (Oppenheimer, 2023).
        self.last_year = max((m.year for m in self._movies if m.year), default=None)
        self._by_imdb = {m.imdb_id: m for m in reversed(self._movies) if m.imdb_id}
        by_genre: dict[str, list[Movie]] = {}
        for movie in self._movies:
            for genre in movie.genres:
                by_genre.setdefault(genre.casefold(), []).append(movie)
        self._by_genre = by_genre
        self._titles = TitleIndex(
            [movie.title for movie in self._movies],
            [_prominence(movie) for movie in self._movies],
            aliases={
                position: [
                    movie.original_title or "",
                    table[movie.id]["title"],
                    *table[movie.id]["aliases"],
                ]
                for position, movie in enumerate(self._movies)
                if movie.id in table
            },
            years=[movie.year for movie in self._movies],
        )

    @property
    def movies(self) -> tuple[Movie, ...]:
        """Every film of the catalog (for scripts and checks that look at all of them)."""
        return self._movies

    def check_filters(self, filters: Filters) -> None:
        """Any filter applies: the catalog matches languages and countries by name."""

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]:
        found = [m for m in self._by_genre.get(genre.casefold(), ()) if filters.matches(m)]
        if len(found) > limit:  # the protocol's cap: the most reviewed first
            found = sorted(found, key=lambda m: (-m.votes, m.id))[:limit]
        return found

    def search(self, query: str, limit: int) -> list[Movie]:
        return [self._movies[pos] for pos in self._titles.search(query, limit)]

    def get(self, movie_id: str) -> Movie | None:
        return self._by_id.get(movie_id) or self._by_imdb.get(movie_id)

    def stats(self) -> dict[str, Any]:
        return {}


def _named(movie: Movie, row: Mapping[str, Any]) -> Movie:
    """``movie`` with its names from the alias table: the original title beside a
    translated one, or instead of it where the film is known by it ("shown")."""
    if row.get("shown") and row.get("original"):
        return dataclasses.replace(movie, title=row["original"], original_title=None)
    return dataclasses.replace(movie, original_title=row.get("original"))


def _prominence(movie: Movie) -> float:
    """Roughly log10(reviews) scaled by rating: famous and well liked scores highest."""
    return math.log10(movie.votes + 1) * (movie.rating or 5.0) / 10


def _open(config: Mapping[str, Any]) -> CatalogProvider:
    return CatalogProvider(Path(config["CATALOG_PATH"] or BUNDLED_CATALOG))


PROVIDER = ProviderSpec(
    name="catalog",
    build=_open,
    settings=(
        Setting(
            "CATALOG_PATH",
            str | None,
            None,
            "another catalog built by scripts/build_catalog.py",
            shown="the bundled catalog",
        ),
    ),
    genres=GENRES,
    enrichable=True,  # no posters or plots of its own
    fallback=True,  # in memory: it answers while a remote provider fails
)
