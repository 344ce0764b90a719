"""The signed-in user's lists as JSON, for the page's buttons: the watchlist, the films seen
(never recommended again), the opt-in mood history, and where they watch (region and
services; a guest's browser keeps its own). Guests get 401 with a message."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, request
from sqlalchemy import Table

from emotionpix.auth.personal import Film, seen, watchlist
from emotionpix.auth.session import current_user, films_hidden, personal, require_user
from emotionpix.core.emotions import EMOTIONS, UnknownEmotion, normalise_emotion
from emotionpix.core.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.core.i18n import gettext
from emotionpix.protection import never_stored
from emotionpix.taste.model import Signal
from emotionpix.web.api import MAX_JSON_BYTES, MOVIE_ID, json_too_long
from emotionpix.wiring import recommender, watch_guide

bp = Blueprint("library", __name__, url_prefix="/api")

LISTS: dict[str, Table] = {"watchlist": watchlist, "seen": seen}
MOOD_SOURCES = ("camera", "photo", "correction")
MAX_SERVICES = 20  # as many as "services=" takes on the grid's calls
_REGION = re.compile(r"[A-Z]{2}")


bp.after_request(never_stored)  # the viewer's own lists and readings


def _json() -> dict[str, Any]:
    """The request's JSON object. Its size and nesting are checked as it is read (the app's
    JSON provider, ``BoundedJSONProvider``); a body announced too long is not even read."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise json_too_long()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(gettext("Send a JSON object."), code="invalid_json")
    return body


def _movie_id(raw: Any) -> str:
    if not isinstance(raw, str) or not MOVIE_ID.fullmatch(raw):
        raise NotFound(
            gettext("No movie with id %(movie_id)s.", movie_id=repr(str(raw)[:80])),
            code="movie_not_found",
        )
    return raw


def _emotion(raw: Any, field: str) -> str:
    try:
        return normalise_emotion(raw if isinstance(raw, str) else "")
    except UnknownEmotion:
        raise InvalidInput(
            gettext(
                "%(field)s must be one of: %(choices)s.", field=field, choices=", ".join(EMOTIONS)
            ),
            code=f"invalid_{field}",
        ) from None


@bp.get("/me")
def me() -> dict[str, Any]:
    """Who is signed in (``signed_in: false`` for a guest) and what the account keeps."""
    user = current_user()
    if user is None:
        return {"signed_in": False}
    data = personal()
    return {
        "signed_in": True,
        "email": user.email,
        "history_enabled": data.history_enabled(user.user_id),
        "watchlist": sorted(data.ids(watchlist, user.user_id)),
        "seen": sorted(data.ids(seen, user.user_id)),
        "watch": data.watch_settings(user.user_id),
    }


@bp.get("/watchlist", defaults={"name": "watchlist"})
@bp.get("/seen", defaults={"name": "seen"})
def films(name: str) -> dict[str, Any]:
    user = require_user()
    return {"movies": [f.to_dict() for f in personal().films(LISTS[name], user.user_id)]}


@bp.post("/watchlist", defaults={"name": "watchlist"})
@bp.post("/seen", defaults={"name": "seen"})
def add(name: str) -> tuple[dict[str, Any], int]:
    """Add a film by id (``{"id": "tt0073707"}``); the film's title, year and poster are
    taken from the movie provider, not from the request."""
    user = require_user()
    movie = recommender().movie(_movie_id(_json().get("id")))
    film = Film(movie.id, movie.title, movie.year, movie.poster_url)
    data = personal()
    if data.add(LISTS[name], user.user_id, film):  # a film put on a list tells the taste
        own = Signal.about(movie.to_dict(), name)
        signal = {"movie_id": movie.id, "title": movie.title, "verdict": name}
        data.record_signal(
            user.user_id,
            {
                **signal,
                "reason": None,
                "emotion": None,
                "mode": None,
                "features": json.dumps(own.features),
            },
        )
        if name == "seen":  # a movie night the viewer is in leaves it out too
            films_hidden(user.user_id)
    return film.to_dict(), 201


@bp.delete("/watchlist/<movie_id>", defaults={"name": "watchlist"})
@bp.delete("/seen/<movie_id>", defaults={"name": "seen"})
def remove(name: str, movie_id: str) -> tuple[str, int]:
    user = require_user()
    if not personal().remove(LISTS[name], user.user_id, _movie_id(movie_id)):
        raise NotFound(
            gettext("That film is not on your %(name)s list.", name=name), code="not_in_list"
        )
    return "", 204


@bp.get("/moods")
def moods() -> dict[str, Any]:
    user = require_user()
    data = personal()
    return {
        "history_enabled": data.history_enabled(user.user_id),
        "moods": data.moods(user.user_id),
    }


@bp.post("/moods")
def record_mood() -> dict[str, Any]:
    """Keep a reading (``{"emotion", "source"}``, or a correction with ``corrected_from``)
    if the owner turned the history on; ``recorded`` says whether it was kept."""
    user = require_user()
    body = _json()
    emotion = _emotion(body.get("emotion"), "emotion")
    source = body.get("source")
    if source not in MOOD_SOURCES:
        raise InvalidInput(
            gettext("source must be one of: %(choices)s.", choices=", ".join(MOOD_SOURCES)),
            code="invalid_source",
        )
    corrected = body.get("corrected_from")
    corrected_from = _emotion(corrected, "corrected_from") if corrected is not None else None
    return {"recorded": personal().record_mood(user.user_id, emotion, source, corrected_from)}


@bp.get("/me/watch")
def watch_settings() -> dict[str, Any]:
    """Where the viewer watches: ``{"region", "services", "include_free"}`` (region null and
    no services until they choose)."""
    user = require_user()
    return personal().watch_settings(user.user_id) or {
        "region": None,
        "services": [],
        "include_free": False,
    }


@bp.put("/me/watch")
def save_watch_settings() -> dict[str, Any]:
    """Keep the viewer's region (a region TMDB lists, or an ISO 3166-1 code while its list
    cannot be had; null: the browser's), services (ids, at most 20) and ``include_free``."""
    user = require_user()
    body = _json()
    region = _watch_region(body.get("region"))
    services = _watch_services(body.get("services", []))
    include_free = body.get("include_free", False)
    if not isinstance(include_free, bool):
        raise InvalidInput(
            gettext("include_free must be true or false."), code="invalid_include_free"
        )
    personal().save_watch_settings(user.user_id, region, services, include_free)
    return {"region": region, "services": services, "include_free": include_free}


def _watch_region(raw: Any) -> str | None:
    if raw is None:
        return None
    code = raw.strip().upper() if isinstance(raw, str) else ""
    known = _listed_regions()
    if not _REGION.fullmatch(code) or (known is not None and code not in known):
        raise InvalidInput(
            gettext(
                "region must be a country code from the list of regions, such as IN, got %(raw)s.",
                raw=repr(str(raw)[:20]),
            ),
            code="invalid_region",
        )
    return code


def _listed_regions() -> set[str] | None:
    """The regions TMDB lists (None without a TMDB key, or while the list cannot be had)."""
    guide = watch_guide()
    if guide is None:
        return None
    try:
        return {region["code"] for region in guide.regions()}
    except ServiceUnavailable:
        return None


def _watch_services(raw: Any) -> list[int]:
    valid = (
        isinstance(raw, list)
        and len(raw) <= MAX_SERVICES
        and all(isinstance(s, int) and not isinstance(s, bool) and 0 < s < 10**9 for s in raw)
    )
    if not valid:
        raise InvalidInput(
            gettext(
                "services must be a list of at most %(limit)s service ids, such as [8, 119].",
                limit=MAX_SERVICES,
            ),
            code="invalid_services",
        )
    return sorted(set(raw))
