"""A stand-in for RapidAPI's IMDb236, written from its documented contract
(../shared/guides/contracts.md): ``/api/imdb/search`` with the paper's filters and Solr-style
cursor paging, ``/api/imdb/{tt-id}`` with credits, RapidAPI's gateway errors and quota
headers."""

from __future__ import annotations

import base64
from typing import Any

from flask import Flask, Response, request

from tests.standins.films import BY_IMDB, FILMS, Film
from tests.standins.server import StandIn

API_KEY = "rapidapi-test-key-91be"
HOST = "imdb236.p.rapidapi.com"
QUOTA = 500


def create_app() -> Flask:
    app = Flask("imdb236-standin")
    used = {"requests": 0}

    @app.before_request
    def gateway() -> tuple[dict[str, Any], int] | None:
        if request.headers.get("x-rapidapi-key") != API_KEY:
            return {"message": "Invalid API key. Go to https://docs.rapidapi.com/docs/keys"}, 401
        if request.headers.get("x-rapidapi-host") != HOST:
            return {"message": "You are not subscribed to this API."}, 403
        used["requests"] += 1
        return None

    @app.after_request
    def quota(response: Response) -> Response:
        response.headers["X-RateLimit-Requests-Limit"] = str(QUOTA)
        response.headers["X-RateLimit-Requests-Remaining"] = str(QUOTA - used["requests"])
        response.headers["X-RateLimit-Requests-Reset"] = "2592000"
        return response

    @app.get("/api/imdb/search")
    def search() -> Any:
        args = request.args
        films = [f for f in FILMS if _matches(f, args)]
        field = args.get("sortField")
        if field:
            key = {"numVotes": "votes", "averageRating": "rating", "startYear": "year"}[field]
            films.sort(
                key=lambda f: (getattr(f, key), f.imdb_id),
                reverse=args.get("sortOrder", "ASC") == "DESC",
            )
        rows = int(args.get("rows", 25))
        cursor = args.get("cursorMark", "*")
        start = 0 if cursor == "*" else int(base64.urlsafe_b64decode(cursor.encode()).decode())
        chunk = films[start : start + rows]
        following = start + len(chunk)
        next_cursor = (
            cursor
            if following >= len(films)
            else base64.urlsafe_b64encode(str(following).encode()).decode()
        )
        return {
            "rows": rows,
            "numFound": len(films),
            "results": [_item(f) for f in chunk],
            "nextCursorMark": next_cursor,
        }

    @app.get("/api/imdb/<imdb_id>")
    def details(imdb_id: str) -> Any:
        film = BY_IMDB.get(imdb_id)
        if film is None:
            return {"message": f"Title {imdb_id} not found"}, 404
        return {
            **_item(film),
            "cast": [
                {"fullName": name, "job": "actor", "characters": [], "primaryImage": None}
                for name in film.cast
            ]
            + [{"fullName": "A Writer", "job": "writer", "characters": []}],
            "directors": [{"fullName": name} for name in film.directors],
            "writers": [{"fullName": "A Writer"}],
        }

    return app


def _matches(film: Film, args: Any) -> bool:
    if args.get("type", "movie") != "movie":
        return False
    genre = args.get("genre") or args.get("genres")
    if genre and genre not in film.genres:
        return False
    if film.rating < float(args.get("averageRatingFrom", 0)):
        return False
    if film.votes < int(args.get("numVotesFrom", 0)):
        return False
    if not int(args.get("startYearFrom", 0)) <= film.year <= int(args.get("startYearTo", 9999)):
        return False
    language = args.get("spokenLanguages")
    if language and language not in (film.spoken or (film.language,)):
        return False
    country = args.get("countriesOfOrigin")
    if country and country not in film.countries:
        return False
    title = args.get("primaryTitleAutocomplete", "").casefold()
    return not title or title in film.title.casefold()


def _item(film: Film) -> dict[str, Any]:
    return {
        "id": film.imdb_id,
        "url": f"https://www.imdb.com/title/{film.imdb_id}/",
        "primaryTitle": film.title,
        "originalTitle": film.original_title or film.title,
        "type": "movie",
        "description": film.overview or None,
        "primaryImage": f"https://images.example/{film.imdb_id}.jpg",
        "thumbnails": [
            {"url": f"https://images.example/{film.imdb_id}-100.jpg", "width": 100, "height": 148},
            {"url": f"https://images.example/{film.imdb_id}-360.jpg", "width": 360, "height": 533},
        ],
        "trailer": f"https://www.youtube.com/watch?v={film.trailer}" if film.trailer else None,
        "contentRating": None,
        "isAdult": False,
        "releaseDate": f"{film.year}-06-01",
        "startYear": film.year,
        "endYear": None,
        "runtimeMinutes": film.runtime,
        "genres": list(film.genres),
        "interests": list(film.keywords),
        "countriesOfOrigin": list(film.countries),
        "spokenLanguages": list(film.spoken or (film.language,)),
        "averageRating": film.rating,
        "numVotes": film.votes,
        "metascore": None,
    }


def serve() -> StandIn:
    return StandIn(create_app()).start()
