"""TMDB (The Movie Database, API v3): today's films with posters, plots, cast and trailers.

Discover applies the paper's filters as TMDB query parameters and runs every query it needs
(one per language, per configured origin country, and the pages) in parallel, so a cold
answer costs one round trip of wall time. Genre names are resolved to TMDB's ids from
``/genre/movie/list`` (the mood rules' "Musical" is TMDB's "Music") and image URLs built from
``/configuration`` (both kept in memory for a day). Votes are TMDB user votes.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from emotionpix.core.filters import Filters
from emotionpix.core.i18n import N_
from emotionpix.core.movies import Movie
from emotionpix.core.settings import Setting
from emotionpix.providers.base import (
    WATCH_KINDS,
    MovieProvider,
    ProviderError,
    most_voted,
    titles,
)
from emotionpix.providers.codes import (
    check_codes,
    country_name,
    language_name,
    query_variants,
)
from emotionpix.providers.http import HttpClient, HttpSettings
from emotionpix.providers.registry import ProviderSpec, origin

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
IMAGE_ORIGIN = "https://image.tmdb.org"  # where /configuration sends for pictures
PAGE_SIZE = 20  # TMDB's fixed page size
POSTER_SIZE, BACKDROP_SIZE, LOGO_SIZE = "w342", "w780", "w92"
DAY = 86400.0
# TMDB's genres (its /genre/movie/list; the ids are fetched, never written here).
GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Mystery",
    "Romance",
    "Science Fiction",
    "TV Movie",
    "Thriller",
    "War",
    "Western",
)
# Genres the mood rules name as IMDb and the embedded catalog do, which TMDB names otherwise.
GENRE_NAMES = {"Musical": "Music", "Sci-Fi": "Science Fiction"}
_TMDB_NAME = {name.casefold(): tmdb for name, tmdb in GENRE_NAMES.items()}


class _Daily:
    """A value fetched at most once a day per process; an old value outlives a failed refresh."""

    def __init__(self, fetch: Callable[[], Any], clock: Callable[[], float]):
        self._fetch, self._clock = fetch, clock
        self._value: Any = None
        self._at = -math.inf
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._clock() - self._at < DAY:
                return self._value
            try:
                self._value, self._at = self._fetch(), self._clock()
            except ProviderError:
                if self._value is None:
                    raise
            return self._value


class TmdbProvider(MovieProvider):
    """MovieProvider over TMDB. ``origin_hints``: countries whose films discover tags with
    their origin (an extra parallel query each; TMDB's lists do not say where a film is
    from), so that the origin spotlight can find them."""

    name = "tmdb"
    votes_meaning = N_("TMDB user votes")
    votes_unit = N_("votes")
    cast_in_billing_order = True  # credits sorted by TMDB's "order"
    default_min_votes = 1000
    prior_votes = 1000
    attribution = N_("This product uses the TMDB API but is not endorsed or certified by TMDB.")
    attribution_url = "https://www.themoviedb.org/"

    def __init__(
        self,
        http: HttpClient,
        *,
        max_pages: int = 3,
        origin_hints: tuple[str, ...] = (),
        clock: Callable[[], float] = time.monotonic,
    ):
        self.http = http
        self.max_pages = max_pages
        self.origin_hints = origin_hints
        self._genres = _Daily(self._fetch_genres, clock)
        self._images = _Daily(self._fetch_image_base, clock)

    @classmethod
    def connect(
        cls, settings: HttpSettings, api_key: str | None = None, token: str | None = None, **kw: Any
    ) -> TmdbProvider:
        """A provider authenticating with a v4 read-access token (a Bearer header) or a v3
        API key (a query parameter); one of them is required."""
        if not (api_key or token):
            raise ValueError("TMDB needs EMOTIONPIX_TMDB_API_KEY or EMOTIONPIX_TMDB_TOKEN")
        http = HttpClient(
            "TMDB",
            settings,
            headers={"Authorization": f"Bearer {token}"} if token else None,
            params=None if token else {"api_key": api_key or ""},
            secrets=[s for s in (api_key, token) if s],
        )
        return cls(http, **kw)

    def warm_up(self) -> None:
        """Fetch the genre list and the image configuration in the background now, so the
        first request after start waits one round trip, not three. Failures are ignored
        (the first request tries again)."""
        for daily in (self._genres, self._images):
            self.http.in_background(daily.get)

    # -- the protocol --------------------------------------------------------------------

    def check_filters(self, filters: Filters) -> None:
        check_codes(filters.languages, (*filters.countries, *self.origin_hints))

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]:
        ids = {name.casefold(): genre_id for genre_id, name in self._genres.get().items()}
        names = (genre.casefold(), _TMDB_NAME.get(genre.casefold(), "").casefold())
        genre_id = next((ids[name] for name in names if name in ids), None)
        if genre_id is None:  # a genre TMDB does not have: nothing, as the protocol says
            return []
        base: dict[str, str | int | float] = {
            "with_genres": genre_id,
            "vote_average.gte": filters.min_rating,
            "vote_count.gte": filters.min_votes,
            "primary_release_date.gte": f"{filters.year_from}-01-01",
            "primary_release_date.lte": f"{filters.year_to}-12-31",
            "include_adult": "false",
            "sort_by": "vote_count.desc",
        }
        if filters.watch is not None:  # only films on the viewer's services, at the source
            base["watch_region"] = filters.watch.region
            base["with_watch_providers"] = "|".join(map(str, filters.watch.services))
            base["with_watch_monetization_types"] = "|".join(
                WATCH_KINDS[kind] for kind in filters.watch.kinds
            )
        variants = query_variants(
            base, filters, self.origin_hints, "with_original_language", "with_origin_country"
        )
        pages = range(1, max(1, min(self.max_pages, math.ceil(limit / PAGE_SIZE))) + 1)
        plan = [({**query, "page": page}, origin) for query, origin in variants for page in pages]
        answers = self.http.get_many([("discover/movie", query) for query, _ in plan])
        found = (
            (movie, origin)
            for (_, origin), answer in zip(plan, answers, strict=True)
            for movie in map(self._listed, _results(answer))
        )
        return most_voted(found, filters.matches, limit)

    def search(self, query: str, limit: int) -> list[Movie]:
        answer = self.http.get_json("search/movie", {"query": query, "include_adult": "false"})
        return [self._listed(item) for item in _results(answer)][:limit]

    def get(self, movie_id: str) -> Movie | None:
        if movie_id.startswith("tt"):
            found = self.find_by_imdb(movie_id)
            return self.details(found.id) if found else None
        return self.details(movie_id) if movie_id.isdigit() else None

    # -- beyond the protocol -------------------------------------------------------------

    def details(self, tmdb_id: str) -> Movie | None:
        """Everything TMDB knows of one film: credits in billing order, runtime, plot,
        trailer, keywords, poster and backdrop. None for an unknown id."""
        data = self.http.get_json(
            f"movie/{tmdb_id}", {"append_to_response": "videos,credits,keywords"}, missing_ok=True
        )
        return None if data is None else self._detailed(data)

    def find_by_imdb(self, imdb_id: str) -> Movie | None:
        """The film TMDB lists under an IMDb id (list fields: poster, plot, votes), or None."""
        answer = self.http.get_json(
            f"find/{imdb_id}", {"external_source": "imdb_id"}, missing_ok=True
        )
        results = (answer or {}).get("movie_results") or []
        if not isinstance(results, list) or not results:
            return None
        return replace(self._listed(results[0]), imdb_id=imdb_id)

    def stats(self) -> dict[str, Any]:
        return self.http.stats()

    # -- where to watch (WatchSource) ----------------------------------------------------

    watch_attribution = N_("Data from JustWatch")

    def watch_ids(self, imdb_ids: Sequence[str]) -> list[str | None]:
        calls = [(f"find/{i}", {"external_source": "imdb_id"}) for i in imdb_ids]
        found = []
        for answer in self.http.get_many(calls, missing_ok=True) if calls else []:
            results = (answer or {}).get("movie_results") or []
            first = results[0] if isinstance(results, list) and results else None
            found.append(str(first["id"]) if isinstance(first, dict) and "id" in first else None)
        return found

    def availability(self, ids: Sequence[str]) -> list[dict[str, dict[str, Any]] | None]:
        wanted = [i for i in ids if i.isdigit()]
        answers = iter(
            self.http.get_many(
                [(f"movie/{i}/watch/providers", {}) for i in wanted], missing_ok=True
            )
            if wanted
            else []
        )
        return [self._regions(next(answers)) if i.isdigit() else None for i in ids]

    def watch_regions(self) -> list[dict[str, str]]:
        answer = self.http.get_json("watch/providers/regions", {"language": "en-US"})
        try:
            return sorted(
                (
                    {"code": str(r["iso_3166_1"]), "name": str(r["english_name"])}
                    for r in answer["results"]
                ),
                key=lambda r: r["name"],
            )
        except (KeyError, TypeError):
            raise ProviderError("TMDB sent a region list we cannot read") from None

    def watch_services(self, region: str) -> list[dict[str, Any]]:
        answer = self.http.get_json(
            "watch/providers/movie", {"watch_region": region, "language": "en-US"}
        )
        try:
            listed = sorted(
                answer["results"],
                key=lambda s: (
                    s.get("display_priorities", {}).get(region, s.get("display_priority", 999)),
                    s["provider_name"],
                ),
            )
            return [self._service(s) for s in listed]
        except (KeyError, TypeError, AttributeError):
            raise ProviderError("TMDB sent a service list we cannot read") from None

    def _regions(self, answer: Any) -> dict[str, dict[str, Any]] | None:
        if answer is None:
            return None
        try:
            return {
                str(code): {
                    "link": entry.get("link"),
                    **{
                        kind: [
                            self._service(s)
                            for s in sorted(
                                entry.get(tmdb_kind) or [],
                                key=lambda s: s.get("display_priority", 999),
                            )
                        ]
                        for kind, tmdb_kind in WATCH_KINDS.items()
                    },
                }
                for code, entry in (answer.get("results") or {}).items()
            }
        except (KeyError, TypeError, AttributeError):
            raise ProviderError("TMDB sent watch providers we cannot read") from None

    def _service(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(item["provider_id"]),
            "name": str(item["provider_name"]),
            "logo": self._image(item.get("logo_path"), LOGO_SIZE),
        }

    # -- answers to Movies ---------------------------------------------------------------

    def _listed(self, item: dict[str, Any]) -> Movie:
        try:
            by_id = self._genres.get()
            title, original = titles(item.get("title"), item.get("original_title"))
            return Movie(
                id=str(item["id"]),
                title=title,
                original_title=original,
                year=_year(item.get("release_date")),
                genres=tuple(by_id[g] for g in item.get("genre_ids") or () if g in by_id),
                rating=_rating(item.get("vote_average")),
                votes=int(item.get("vote_count") or 0),
                languages=_languages([item.get("original_language")]),
                overview=item.get("overview") or None,
                poster_url=self._image(item.get("poster_path"), POSTER_SIZE),
                backdrop_url=self._image(item.get("backdrop_path"), BACKDROP_SIZE),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"TMDB sent a film we cannot read ({exc!r})") from None

    def _detailed(self, data: dict[str, Any]) -> Movie:
        listed = self._listed({**data, "genre_ids": []})
        try:
            credits = data.get("credits") or {}
            cast = sorted(credits.get("cast") or [], key=lambda c: c.get("order", math.inf))
            directors = [c["name"] for c in credits.get("crew") or [] if c.get("job") == "Director"]
            spoken = [lang.get("iso_639_1") for lang in data.get("spoken_languages") or []]
            countries = data.get("origin_country") or [
                c.get("iso_3166_1") for c in data.get("production_countries") or []
            ]
            return replace(
                listed,
                genres=tuple(g["name"] for g in data.get("genres") or []),
                languages=_languages([data.get("original_language"), *spoken]),
                countries=tuple(country_name(c) for c in countries if c),
                runtime=data.get("runtime") or None,
                director=", ".join(directors) or None,
                cast=tuple(c["name"] for c in cast[:15]),
                imdb_id=data.get("imdb_id") or None,
                trailer_url=_trailer((data.get("videos") or {}).get("results") or []),
                keywords=tuple(
                    str(k["name"]) for k in (data.get("keywords") or {}).get("keywords") or []
                ),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ProviderError(f"TMDB sent details we cannot read ({exc!r})") from None

    def _image(self, path: str | None, size: str) -> str | None:
        if not path:
            return None
        base, sizes = self._images.get()
        chosen = size if size in sizes else (sizes[-1] if sizes else "original")
        return f"{base.rstrip('/')}/{chosen}{path}"

    def _fetch_genres(self) -> dict[int, str]:
        """TMDB's genre ids and names (the ids are TMDB's business, never hard-coded here)."""
        answer = self.http.get_json("genre/movie/list")
        try:
            return {int(g["id"]): str(g["name"]) for g in answer["genres"]}
        except (KeyError, TypeError, ValueError):
            raise ProviderError("TMDB sent a genre list we cannot read") from None

    def _fetch_image_base(self) -> tuple[str, list[str]]:
        answer = self.http.get_json("configuration")
        try:
            images = answer["images"]
            return str(images["secure_base_url"]), [str(s) for s in images["poster_sizes"]]
        except (KeyError, TypeError):
            raise ProviderError("TMDB sent a configuration we cannot read") from None


def _results(answer: Any) -> list[dict[str, Any]]:
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise ProviderError("TMDB sent a list we cannot read")
    return [r for r in results if isinstance(r, dict) and not r.get("adult")]


def _year(date: Any) -> int | None:
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def _rating(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


def _languages(codes: list[Any]) -> tuple[str, ...]:
    names = [language_name(code) for code in codes if isinstance(code, str) and code]
    return tuple(dict.fromkeys(names))


def _trailer(videos: list[dict[str, Any]]) -> str | None:
    """The YouTube trailer: official ones first, then any trailer, then a teaser."""
    youtube = [v for v in videos if v.get("site") == "YouTube" and v.get("key")]

    def preference(video: dict[str, Any]) -> int:
        kind, official = video.get("type"), bool(video.get("official"))
        return {("Trailer", True): 0, ("Trailer", False): 1, ("Teaser", True): 2}.get(
            (str(kind), official), 3 if kind == "Teaser" else 9
        )

    best = min(youtube, key=preference, default=None)
    if best is None or preference(best) == 9:
        return None
    return f"https://www.youtube.com/watch?v={best['key']}"


def _connect(config: Mapping[str, Any]) -> TmdbProvider:
    """TMDB with the configured key or token (as the provider, or to enrich the catalog)."""
    return TmdbProvider.connect(
        HttpSettings.from_config(config, config["TMDB_BASE_URL"]),
        api_key=config["TMDB_API_KEY"],
        token=config["TMDB_TOKEN"],
        origin_hints=tuple(config["SPOTLIGHT_COUNTRIES"]),
    )


def _images(config: Mapping[str, Any]) -> tuple[str, ...]:
    """TMDB's image host, and the API's origin: a proxy or stand-in in TMDB's place serves
    the pictures as well."""
    return IMAGE_ORIGIN, origin(config["TMDB_BASE_URL"])


PROVIDER = ProviderSpec(
    name="tmdb",
    build=_connect,
    settings=(
        Setting(
            "TMDB_API_KEY",
            str | None,
            None,
            "TMDB v3 API key (provider tmdb, or posters for the catalog)",
            secret=True,
        ),
        Setting(
            "TMDB_TOKEN",
            str | None,
            None,
            "TMDB v4 read-access token, sent as a Bearer header (instead of the key)",
            secret=True,
        ),
        Setting("TMDB_BASE_URL", str, DEFAULT_BASE_URL, "TMDB's API root (a proxy, or a stand-in)"),
    ),
    needs=(("TMDB_API_KEY", "TMDB_TOKEN"),),
    images=_images,
    genres=(*GENRES, *GENRE_NAMES),
    enriches=True,
)
