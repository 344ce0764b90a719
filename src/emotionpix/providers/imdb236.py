"""RapidAPI's IMDb236 — the movie API the EmotionPix paper used.

The paper's filters become ``/search`` parameters (rating, votes, years, spoken language,
country of origin); results come most-voted first and page with Solr-style cursors
(``cursorMark`` → ``nextCursorMark``). Free plans allow very few requests a month, so discover
fetches one page of each query in parallel and follows a cursor only while the answer is
short of ``limit`` (at most ``max_pages`` per query). RapidAPI's quota headers are kept and
shown in the provider statistics. Votes are IMDb user votes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.i18n import N_
from emotionpix.core.movies import Movie
from emotionpix.core.settings import Setting
from emotionpix.providers.base import MovieProvider, ProviderError, most_voted, titles
from emotionpix.providers.codes import (
    check_codes,
    country_name,
    language_name,
    query_variants,
)
from emotionpix.providers.http import HttpClient, HttpSettings, Params
from emotionpix.providers.registry import ProviderSpec, origin

DEFAULT_BASE_URL = "https://imdb236.p.rapidapi.com/api/imdb"
HOST = "imdb236.p.rapidapi.com"
IMAGE_ORIGIN = "https://m.media-amazon.com"  # IMDb's posters and thumbnails
# IMDb's genres (the names its title data uses).
GENRES = (
    "Action",
    "Adult",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Film-Noir",
    "Game-Show",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "News",
    "Reality-TV",
    "Romance",
    "Sci-Fi",
    "Short",
    "Sport",
    "Talk-Show",
    "Thriller",
    "War",
    "Western",
)
QUOTA_HEADERS = (
    "x-ratelimit-requests-limit",
    "x-ratelimit-requests-remaining",
    "x-ratelimit-requests-reset",
)
ROWS = 50
ACTING_JOBS = {"actor", "actress", "self"}


class Imdb236Provider(MovieProvider):
    """MovieProvider over RapidAPI's IMDb236."""

    name = "imdb236"
    votes_meaning = N_("IMDb user votes")
    votes_unit = N_("votes")
    cast_in_billing_order = True  # the API lists the cast as IMDb bills it
    default_min_votes = 1000
    prior_votes = 1000
    attribution = N_("Movie data from IMDb, through RapidAPI's IMDb236 API.")
    attribution_url = "https://www.imdb.com/"

    def __init__(self, http: HttpClient, *, max_pages: int = 2, origin_hints: tuple[str, ...] = ()):
        self.http = http
        self.max_pages = max_pages
        self.origin_hints = origin_hints

    @classmethod
    def connect(cls, settings: HttpSettings, api_key: str | None, **kw: Any) -> Imdb236Provider:
        if not api_key:
            raise ValueError("IMDb236 needs EMOTIONPIX_RAPIDAPI_KEY")
        http = HttpClient(
            "IMDb236",
            settings,
            headers={"x-rapidapi-key": api_key, "x-rapidapi-host": HOST},
            secrets=[api_key],
            quota_headers=QUOTA_HEADERS,
        )
        return cls(http, **kw)

    def check_filters(self, filters: Filters) -> None:
        check_codes(filters.languages, (*filters.countries, *self.origin_hints))

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]:
        rows = max(1, min(ROWS, limit))
        base: dict[str, str | int | float] = {
            "type": "movie",
            "genre": genre,
            "averageRatingFrom": filters.min_rating,
            "numVotesFrom": filters.min_votes,
            "startYearFrom": filters.year_from,
            "startYearTo": filters.year_to,
            "sortField": "numVotes",
            "sortOrder": "DESC",
            "rows": rows,
        }
        variants = query_variants(
            base, filters, self.origin_hints, "spokenLanguages", "countriesOfOrigin"
        )
        firsts = self.http.get_many([("search", {**q, "cursorMark": "*"}) for q, _ in variants])
        found = (
            (self._movie(item), origin)
            for (query, origin), first in zip(variants, firsts, strict=True)
            for item in self._pages(query, first, limit)
        )
        return most_voted(found, lambda m: genre in m.genres and filters.matches(m), limit)

    def search(self, query: str, limit: int) -> list[Movie]:
        answer = self.http.get_json(
            "search",
            {
                "type": "movie",
                "primaryTitleAutocomplete": query,
                "sortField": "numVotes",
                "sortOrder": "DESC",
                "rows": max(1, min(ROWS, limit)),
            },
        )
        return [self._movie(item) for item in _results(answer)][:limit]

    def get(self, movie_id: str) -> Movie | None:
        if not (movie_id.startswith("tt") and movie_id[2:].isdigit()):
            return None
        data = self.http.get_json(movie_id, missing_ok=True)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ProviderError("IMDb236 sent details we cannot read")
        movie = self._movie(data)
        try:
            cast = [
                c["fullName"]
                for c in data.get("cast") or []
                if str(c.get("job") or "actor").lower() in ACTING_JOBS
            ]
            directors = [d["fullName"] for d in data.get("directors") or []]
        except (KeyError, TypeError):
            raise ProviderError("IMDb236 sent credits we cannot read") from None
        return replace(movie, cast=tuple(cast[:15]), director=", ".join(directors) or None)

    def stats(self) -> dict[str, Any]:
        return self.http.stats()

    def _pages(self, params: Params, first: Any, limit: int) -> list[dict[str, Any]]:
        """The first answer's results, then the following pages while fewer than ``limit``
        came (cursor paging: a page repeats its cursor when there is nothing more)."""
        items, answer, cursor = _results(first), first, "*"
        for _ in range(self.max_pages - 1):
            following = answer.get("nextCursorMark")
            if len(items) >= limit or not following or following == cursor:
                break
            cursor = str(following)
            answer = self.http.get_json("search", {**params, "cursorMark": cursor})
            items += _results(answer)
        return items

    def _movie(self, item: dict[str, Any]) -> Movie:
        try:
            title, original = titles(item.get("primaryTitle"), item.get("originalTitle"))
            return Movie(
                id=str(item["id"]),
                title=title,
                original_title=original,
                year=int(item["startYear"]) if item.get("startYear") else None,
                genres=tuple(str(g) for g in item.get("genres") or ()),
                rating=round(float(item["averageRating"]), 1)
                if item.get("averageRating") is not None
                else None,
                votes=int(item.get("numVotes") or 0),
                languages=tuple(language_name(str(c)) for c in item.get("spokenLanguages") or ()),
                countries=tuple(country_name(str(c)) for c in item.get("countriesOfOrigin") or ()),
                overview=item.get("description") or None,
                poster_url=_poster(item),
                runtime=int(item["runtimeMinutes"]) if item.get("runtimeMinutes") else None,
                imdb_id=str(item["id"]),
                trailer_url=_url(item.get("trailer")),
                # IMDb's "interests" ("Slasher Horror", "Feel-Good Romance"): subject tags
                keywords=tuple(str(i) for i in item.get("interests") or () if isinstance(i, str)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"IMDb236 sent a film we cannot read ({exc!r})") from None


def _results(answer: Any) -> list[dict[str, Any]]:
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise ProviderError("IMDb236 sent a list we cannot read")
    return [r for r in results if isinstance(r, dict) and not r.get("isAdult")]


def _poster(item: dict[str, Any]) -> str | None:
    """A thumbnail about 300-500 px wide if the API lists one, else the full image."""
    sized = [
        thumb
        for thumb in item.get("thumbnails") or []
        if isinstance(thumb, dict)
        and _url(thumb.get("url"))
        and 300 <= (thumb.get("width") or 0) <= 500
    ]
    if sized:
        return str(min(sized, key=lambda thumb: abs(thumb["width"] - 342))["url"])
    return _url(item.get("primaryImage"))


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("https://") else None


def _connect(config: Mapping[str, Any]) -> Imdb236Provider:
    return Imdb236Provider.connect(
        HttpSettings.from_config(config, config["IMDB236_BASE_URL"]),
        config["RAPIDAPI_KEY"],
        origin_hints=tuple(config["SPOTLIGHT_COUNTRIES"]),
    )


def _images(config: Mapping[str, Any]) -> tuple[str, ...]:
    """IMDb's image host, and the API's origin (a proxy or stand-in in its place)."""
    return IMAGE_ORIGIN, origin(config["IMDB236_BASE_URL"])


PROVIDER = ProviderSpec(
    name="imdb236",
    build=_connect,
    settings=(
        Setting("RAPIDAPI_KEY", str | None, None, "RapidAPI key for imdb236", secret=True),
        Setting("IMDB236_BASE_URL", str, DEFAULT_BASE_URL, "IMDb236's API root"),
    ),
    needs=(("RAPIDAPI_KEY",),),
    images=_images,
    genres=GENRES,
)
