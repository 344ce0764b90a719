"""A stand-in for TMDB's API v3, written from its documented contract
(../shared/guides/contracts.md): the same paths, parameters, answers and errors. Its genre
ids are deliberately not TMDB's, so an adapter that hard-codes them fails. Posters are
small PNGs served under ``/t/p/<size>/``."""

from __future__ import annotations

import io
import math
from typing import Any

from flask import Flask, Response, abort, request
from PIL import Image

from tests.standins.films import BY_IMDB, BY_TMDB, FILMS, Film
from tests.standins.server import StandIn

API_KEY = "tmdb-test-key-3f9a"


def app_settings(url: str) -> dict[str, Any]:
    """The settings of an app whose movie source is this stand-in, served at ``url``."""
    return {"PROVIDER": "tmdb", "TMDB_API_KEY": API_KEY, "TMDB_BASE_URL": f"{url}/3"}


TOKEN = "tmdb-test-token-77c1"
GENRE_IDS = {
    name: 9000 + i
    for i, name in enumerate(
        (
            "Action",
            "Adventure",
            "Comedy",
            "Drama",
            "History",
            "Horror",
            "Science Fiction",
            "Thriller",
            # the rest of TMDB's documented list (no stand-in film is filed under them)
            "Animation",
            "Crime",
            "Documentary",
            "Family",
            "Fantasy",
            "Music",
            "Mystery",
            "Romance",
            "TV Movie",
            "War",
            "Western",
        )
    )
}
PAGE = 20
# Watch providers (JustWatch's services as TMDB lists them; the ids are TMDB's documented
# ones for Netflix 8, Prime Video 119, Hotstar 122, Apple TV 2, Tubi 73, JioCinema 220).
SERVICES = {
    8: "Netflix",
    119: "Amazon Prime Video",
    122: "Hotstar",
    2: "Apple TV",
    73: "Tubi TV",
    220: "JioCinema",
}
REGIONS = {"IN": "India", "US": "United States of America", "GB": "United Kingdom"}
REGION_SERVICES = {"IN": (8, 119, 122, 2, 220), "US": (8, 119, 2, 73), "GB": (8, 119, 2)}


def watch_offers(film: Film) -> dict[str, dict[str, Any]]:
    """Where a stand-in film is offered, by region, as TMDB's documented answer: a film
    streams on Netflix when its id is even, on Prime when divisible by 3, else on Hotstar in
    India; JioCinema gives every 5th film free in India, Tubi every 4th with ads in the US;
    Apple TV rents and sells all; films whose id ends in 7 are offered nowhere in India."""
    n = film.tmdb_id
    regions: dict[str, dict[str, Any]] = {}
    for region in ("IN", "US"):
        if region == "IN" and n % 10 == 7:
            continue
        streams = [s for s, ok in ((8, n % 2 == 0), (119, n % 3 == 0)) if ok]
        if region == "IN" and not streams:
            streams = [122]
        entry: dict[str, Any] = {
            "link": f"https://www.themoviedb.org/movie/{n}/watch?locale={region}",
            "flatrate": [_offer(s) for s in streams],
            "rent": [_offer(2)],
            "buy": [_offer(2)],
        }
        if region == "IN" and n % 5 == 0:
            entry["free"] = [_offer(220)]
        if region == "US" and n % 4 == 0:
            entry["ads"] = [_offer(73)]
        if not entry["flatrate"]:
            del entry["flatrate"]  # any list may be missing
        regions[region] = entry
    return regions


def _offer(service: int) -> dict[str, Any]:
    return {
        "provider_id": service,
        "provider_name": SERVICES[service],
        "logo_path": f"/logo{service}.png",
        "display_priority": service,
    }


LANGUAGE_NAMES = {
    "en": "English",
    "hi": "Hindi",
    "te": "Telugu",
    "ko": "Korean",
    "fr": "French",
    "ja": "Japanese",
}


def _error(status: int, code: int, message: str) -> tuple[dict[str, Any], int]:
    return {"success": False, "status_code": code, "status_message": message}, status


def create_app() -> Flask:
    app = Flask("tmdb-standin")

    @app.before_request
    def authenticate() -> tuple[dict[str, Any], int] | None:
        if request.path.startswith("/t/p/"):
            return None
        bearer = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        if request.args.get("api_key") != API_KEY and not bearer:
            return _error(401, 7, "Invalid API key: You must be granted a valid key.")
        return None

    @app.get("/3/configuration")
    def configuration() -> dict[str, Any]:
        return {
            "images": {
                "base_url": f"{request.host_url}t/p/",
                "secure_base_url": f"{request.host_url}t/p/",
                "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                "backdrop_sizes": ["w300", "w780", "w1280", "original"],
            }
        }

    @app.get("/3/genre/movie/list")
    def genres() -> dict[str, Any]:
        return {"genres": [{"id": i, "name": n} for n, i in GENRE_IDS.items()]}

    @app.get("/3/discover/movie")
    def discover() -> Any:
        args = request.args
        films = [f for f in FILMS if _matches(f, args)]
        order = args.get("sort_by", "popularity.desc")
        if order == "vote_count.desc":
            films.sort(key=lambda f: (-f.votes, f.tmdb_id))
        return _page(films, args)

    @app.get("/3/search/movie")
    def search() -> Any:
        query = request.args.get("query", "").casefold()
        if not query:
            return _page([], request.args)
        films = [
            f
            for f in FILMS
            if query in f.title.casefold() or query in (f.original_title or "").casefold()
        ]
        films.sort(key=lambda f: (not f.title.casefold().startswith(query), -f.votes))
        return _page(films, request.args)

    @app.get("/3/movie/<int:tmdb_id>")
    def details(tmdb_id: int) -> Any:
        film = BY_TMDB.get(tmdb_id)
        if film is None:
            return _error(404, 34, "The resource you requested could not be found.")
        appended = request.args.get("append_to_response", "").split(",")
        data = {
            **_listed(film),
            "imdb_id": film.imdb_id,
            "genres": [{"id": GENRE_IDS.get(g, 1), "name": g} for g in film.genres],
            "origin_country": list(film.countries),
            "spoken_languages": [
                {"iso_639_1": c, "english_name": LANGUAGE_NAMES.get(c, c), "name": c}
                for c in film.spoken or (film.language,)
            ],
            "runtime": film.runtime,
            "tagline": "",
        }
        if "credits" in appended:
            data["credits"] = _credits(film)
        if "keywords" in appended:
            data["keywords"] = {
                "keywords": [{"id": i, "name": k} for i, k in enumerate(film.keywords)]
            }
        if "videos" in appended:
            data["videos"] = {"results": _videos(film)}
        return data

    @app.get("/3/find/<imdb_id>")
    def find(imdb_id: str) -> Any:
        if request.args.get("external_source") != "imdb_id":
            return _error(400, 22, "Invalid external source.")
        film = BY_IMDB.get(imdb_id)
        return {
            "movie_results": [_listed(film)] if film else [],
            "person_results": [],
            "tv_results": [],
        }

    @app.get("/3/movie/<int:tmdb_id>/watch/providers")
    def watch_providers(tmdb_id: int) -> Any:
        film = BY_TMDB.get(tmdb_id)
        if film is None:
            return _error(404, 34, "The resource you requested could not be found.")
        return {"id": tmdb_id, "results": watch_offers(film)}

    @app.get("/3/watch/providers/regions")
    def watch_regions() -> Any:
        return {
            "results": [
                {"iso_3166_1": code, "english_name": name, "native_name": name}
                for code, name in REGIONS.items()
            ]
        }

    @app.get("/3/watch/providers/movie")
    def watch_services() -> Any:
        region = request.args.get("watch_region", "")
        return {
            "results": [
                {**_offer(s), "display_priorities": {region: i}}
                for i, s in enumerate(REGION_SERVICES.get(region, ()))
            ]
        }

    @app.get("/t/p/<size>/<name>")
    def image(size: str, name: str) -> Response:
        if not name.endswith(".png"):
            abort(404)
        buffer = io.BytesIO()
        Image.new("RGB", (34, 51), (hash(name) % 200, 80, 120)).save(buffer, "PNG")
        return Response(buffer.getvalue(), mimetype="image/png")

    return app


def _matches(film: Film, args: Any) -> bool:
    wanted = args.get("with_genres")
    if wanted:
        ids = {GENRE_IDS.get(g) for g in film.genres}
        groups = wanted.split("|") if "|" in wanted else [wanted]
        if not any(all(int(x) in ids for x in group.split(",")) for group in groups):
            return False
    if film.rating < float(args.get("vote_average.gte", 0)):
        return False
    if film.votes < int(args.get("vote_count.gte", 0)):
        return False
    release = f"{film.year}-06-01"
    if (
        not args.get("primary_release_date.gte", "0000")
        <= release
        <= args.get("primary_release_date.lte", "9999")
    ):
        return False
    language = args.get("with_original_language")
    if language and film.language not in language.split("|"):
        return False
    country = args.get("with_origin_country")
    if country and country not in film.countries:
        return False
    return _offered(film, args)


def _offered(film: Film, args: Any) -> bool:
    """``with_watch_providers`` (pipe = OR, comma = AND) in ``watch_region``, on the
    ``with_watch_monetization_types`` asked for (every kind by default)."""
    wanted = args.get("with_watch_providers")
    if not wanted:
        return True
    entry = watch_offers(film).get(args.get("watch_region", "US"), {})
    kinds = (args.get("with_watch_monetization_types") or "flatrate|free|ads|rent|buy").split("|")
    offered = {o["provider_id"] for kind in kinds for o in entry.get(kind, [])}
    groups = wanted.split("|") if "|" in wanted else [wanted]
    return any(all(int(x) in offered for x in group.split(",")) for group in groups)


def _page(films: list[Film], args: Any) -> Any:
    page = int(args.get("page", 1))
    if not 1 <= page <= 500:
        return _error(400, 22, "Invalid page: Pages start at 1 and max at 500.")
    chunk = films[(page - 1) * PAGE : page * PAGE]
    return {
        "page": page,
        "results": [_listed(f) for f in chunk],
        "total_pages": max(1, math.ceil(len(films) / PAGE)),
        "total_results": len(films),
    }


def _listed(film: Film) -> dict[str, Any]:
    return {
        "id": film.tmdb_id,
        "title": film.title,
        "original_title": film.original_title or film.title,
        "original_language": film.language,
        "overview": film.overview,
        "poster_path": film.poster_path,
        "backdrop_path": film.backdrop_path,
        "release_date": f"{film.year}-06-01",
        "genre_ids": [GENRE_IDS[g] for g in film.genres if g in GENRE_IDS],
        "vote_average": film.rating,
        "vote_count": film.votes,
        "popularity": film.votes / 100,
        "adult": False,
        "video": False,
    }


def _credits(film: Film) -> dict[str, Any]:
    # Listed out of billing order on purpose: the adapter must sort by "order".
    cast = [{"name": name, "character": "", "order": i} for i, name in enumerate(film.cast)]
    crew = [{"name": name, "job": "Director"} for name in film.directors]
    crew.append({"name": "Someone Else", "job": "Producer"})
    return {"cast": list(reversed(cast)), "crew": crew}


def _videos(film: Film) -> list[dict[str, Any]]:
    if film.trailer is None:
        return []
    return [
        {"key": "teaser0", "site": "YouTube", "type": "Teaser", "official": True},
        {"key": "vimeo1", "site": "Vimeo", "type": "Trailer", "official": True},
        {"key": film.trailer, "site": "YouTube", "type": "Trailer", "official": True},
    ]


def serve() -> StandIn:
    return StandIn(create_app()).start()
