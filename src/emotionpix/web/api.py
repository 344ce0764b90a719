"""The JSON API. Every error leaves as ``{"error", "message"}`` (see errors.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, g, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import SQLAlchemyError

from emotionpix._version import __version__
from emotionpix.auth.personal import seen
from emotionpix.auth.session import current_user, personal
from emotionpix.core.errors import InvalidInput, NotFound, UnsupportedMedia
from emotionpix.core.filters import Choices, WatchFilter
from emotionpix.core.i18n import N_, gettext
from emotionpix.core.tones import ENDINGS, NOTES, TONES
from emotionpix.errors import TooLarge
from emotionpix.protection import csrf, emotion_limit, limiter
from emotionpix.recommend import requests
from emotionpix.recommend.watch import (
    STREAMING,
    STREAMING_OR_FREE,
    UNAVAILABLE,
    WatchGuide,
    region_from_languages,
)
from emotionpix.taste import compact
from emotionpix.taste.model import Signal, Taste, learn
from emotionpix.web import openapi
from emotionpix.wiring import emotion_engine, recommender, watch_guide

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_JSON_BYTES = 64 * 1024  # a JSON request body (the API's are a few dozen bytes)
MAX_JSON_DEPTH = 32  # objects and arrays inside one another in it
# A JSON string (skipped whole: brackets in it do not nest), or a bracket.
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading at most ``MAX_JSON_BYTES`` nested at most ``MAX_JSON_DEPTH``
    deep: whatever reads a request body (``request.get_json``) is refused with
    ``invalid_json`` (413 when too long, else 400) before Python's parser, which recurses
    and fails with a RecursionError on a few thousand brackets, sees it."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if len(s) > MAX_JSON_BYTES:
            raise json_too_long()
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, bytes) else s
        depth = 0
        for token in _JSON_NESTING.finditer(text):  # a loop, not recursion
            bracket = token.group()
            if bracket in ("[", "{"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise InvalidInput(
                        gettext(
                            "Send JSON nested at most %(limit)s levels deep.", limit=MAX_JSON_DEPTH
                        ),
                        code="invalid_json",
                    )
            elif bracket in ("]", "}"):
                depth -= 1
        return super().loads(text, **kwargs)


def json_too_long() -> TooLarge:
    """The error for a JSON body over ``MAX_JSON_BYTES`` (413)."""
    return TooLarge(f"A JSON body is limited to {MAX_JSON_BYTES // 1024} KB.", code="invalid_json")


def _int_arg(name: str) -> int | None:
    """A whole number of plain ASCII digits ("1_0", "+5", " 7", other scripts' digits are
    refused, not read)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        raise InvalidInput(
            gettext("%(name)s must be a whole number, got %(raw)s.", name=name, raw=repr(raw)),
            code=f"invalid_{name}",
        )
    return int(raw)


PROBABILITY = re.compile(r"[0-9]{0,3}\.?[0-9]{1,12}")


def _probability(text: str) -> float:
    """A plain decimal ("0.48", "1", ".5"); ValueError for anything else ("1_0", "nan")."""
    if not PROBABILITY.fullmatch(text.strip()):
        raise ValueError(text)
    return float(text)


def _probabilities_arg() -> dict[str, float] | None:
    """``emotions=happy:0.48,surprise:0.41`` as a mapping; None when absent."""
    raw = request.args.get("emotions", "").strip()
    if not raw:
        return None
    try:
        pairs = [
            (label.strip(), _probability(p)) for label, p in (i.split(":") for i in raw.split(","))
        ]
    except ValueError:
        pairs = []
    probabilities = dict(pairs)
    if not pairs or len(probabilities) < len(pairs):
        raise InvalidInput(
            gettext(
                "emotions must look like happy:0.48,surprise:0.41, got %(raw)s.", raw=repr(raw)
            ),
            code="invalid_emotions",
        )
    return probabilities


@bp.get("/recommendations")
def recommendations() -> dict[str, Any] | tuple[dict[str, Any], int, dict[str, str]]:
    page = _int_arg("page")
    service = recommender()
    asked: dict[str, Any] = {
        "emotion": request.args.get("emotion", "").strip() or None,
        "mode": request.args.get("mode", "match").strip(),
        "probabilities": _probabilities_arg(),
        "exclude": seen_by_viewer(),
        "exclude_tones": request.args.get("exclude_tones", "").split(","),
    }
    watch = _watch_filter()
    asked["choices"] = choices = viewer_choices()
    result = service.recommend(
        page=1 if page is None else page,
        seed=_int_arg("seed"),
        watch=watch,
        taste=viewer_taste(),
        **asked,
    )
    removed = 0
    if watch is not None and service.filters_availability and result.source != "fallback":
        removed = max(0, service.count(**asked) - result.total)  # filtered at the source
    body = _with_watch(result.to_dict(), result.movies, watch, removed)
    body["filters"] = _described(choices)
    if current_user() is not None:  # shaped by the viewer's seen films: nobody else's
        return body, 200, {"Cache-Control": "no-store"}
    return body


# Set on the request once a read of the viewer's own data failed: the next read in the same
# request gives up at once, so a hung database costs a request one deadline, not one a read.
STORE_DOWN = "emotionpix_store_down"


def seen_by_viewer() -> frozenset[str]:
    """The films the signed-in viewer marked as seen (none for a guest, and none while the
    database is down: the films still come)."""
    user = current_user()
    if user is None or g.get(STORE_DOWN):
        return frozenset()
    try:
        return personal().ids(seen, user.user_id)
    except SQLAlchemyError:
        g.setdefault(STORE_DOWN, True)
        return frozenset()


def viewer_choices() -> Choices:
    """The viewer's filters (``languages``, ``from``, ``to``, ``max_runtime``, ``family``),
    400 for a bad value."""
    return requests.checked_choices(
        request.args.get("languages"),
        _int_arg("from"),
        _int_arg("to"),
        _int_arg("max_runtime"),
        request.args.get("family"),
    )


def _described(choices: Choices, defaults: bool = True) -> dict[str, Any]:
    """The filters in force, as the answer says them: the viewer's, else (``defaults``,
    as recommendations have) the configured ones."""
    languages: tuple[str, ...] = choices.languages
    year_from: int | None = choices.year_from
    year_to: int | None = choices.year_to
    if defaults:
        filters = choices.narrow(recommender().filters)
        languages, year_from, year_to = filters.languages, filters.year_from, filters.year_to
    return {
        "languages": requests.language_codes(languages),
        "from": year_from,
        "to": year_to,
        "max_runtime": choices.max_runtime,
        "family": choices.family,
        "chosen": bool(choices),
    }


def viewer_taste() -> Taste | None:
    """The viewer's taste: a signed-in viewer's from the signals their account keeps, a
    guest's from the ``taste`` parameter their browser sends (read, never kept); None
    without one, or while the database is down."""
    user = current_user()
    if user is None:
        raw = request.args.get("taste", "").strip()
        return compact.decode(raw) if raw else None
    return account_taste(user.user_id)


def account_taste(account_id: str) -> Taste | None:
    """What an account's signals taught (None while the database is down)."""
    if g.get(STORE_DOWN):
        return None
    try:
        rows = personal().signals(account_id)
    except SQLAlchemyError:
        g.setdefault(STORE_DOWN, True)
        return None
    return learn(map(kept_signal, rows))


def kept_signal(row: Mapping[str, Any]) -> Signal:
    """A signal as an account keeps it (a ``taste_signals`` row)."""
    return Signal(
        row["movie_id"],
        row["title"],
        tuple(json.loads(row["features"])),
        row["verdict"],
        row["reason"],
        row["emotion"],
    )


@bp.get("/search")
def search() -> dict[str, Any]:
    choices = viewer_choices()
    result = recommender().search(request.args.get("q", ""), choices)
    body = _with_watch(result.to_dict(), result.movies, _watch_filter())
    body["filters"] = _described(choices, defaults=False)
    return body


# Ids of every provider: Wikidata "Q949228", IMDb "tt0073707", TMDB "20453".
MOVIE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


@bp.get("/movies/<movie_id>")
def movie(movie_id: str) -> dict[str, Any]:
    if not MOVIE_ID.fullmatch(movie_id):  # no provider, cache or database sees such input
        raise NotFound(
            gettext("No movie with id %(movie_id)s.", movie_id=repr(movie_id[:80])),
            code="movie_not_found",
        )
    found = recommender().movie(movie_id)
    body = found.to_dict()
    guide = watch_guide()
    if guide is not None:
        body["watch"] = guide.for_movies([found], _region())[0]
    return body


@bp.get("/movies/<movie_id>/similar")
def similar(movie_id: str) -> dict[str, Any] | tuple[dict[str, Any], int, dict[str, str]]:
    """ "More like this": the films most like this one, with what they share; never those
    the viewer has seen or said "not for me" to."""
    if not MOVIE_ID.fullmatch(movie_id):
        raise NotFound(f"No movie with id {movie_id[:80]!r}.", code="movie_not_found")
    taste = viewer_taste()
    hidden = seen_by_viewer() | (frozenset(taste.never) if taste else frozenset())
    body = recommender().similar(movie_id, hidden).to_dict()
    if current_user() is not None:
        return body, 200, {"Cache-Control": "no-store"}
    return body


# -- where to watch ----------------------------------------------------------------------

NEEDS_KEY = N_(
    "Where to watch needs a TMDB key: set EMOTIONPIX_TMDB_API_KEY (or EMOTIONPIX_TMDB_TOKEN) "
    "and restart; the data comes from JustWatch through TMDB."
)
_REGION = re.compile(r"[A-Za-z]{2}")
_SERVICES = re.compile(r"\d{1,9}(,\d{1,9}){0,19}")


def _guide() -> WatchGuide:
    guide = watch_guide()
    if guide is None:
        raise NotFound(gettext(NEEDS_KEY), code="watch_not_configured")
    return guide


def _region() -> str:
    """``?region=XX``, else the region of the browser's languages (en-IN: IN), else US."""
    raw = request.args.get("region", "").strip()
    if raw:
        if not _REGION.fullmatch(raw):
            raise InvalidInput(
                gettext(
                    "region must be a two-letter country code such as IN, got %(raw)s.",
                    raw=repr(raw[:20]),
                ),
                code="invalid_region",
            )
        return raw.upper()
    return region_from_languages(request.accept_languages.values())


def _services() -> frozenset[int] | None:
    raw = request.args.get("services", "").strip()
    if not raw:
        return None
    if not _SERVICES.fullmatch(raw):
        raise InvalidInput(
            gettext(
                "services must be service ids separated by commas, such as 8,119, got %(raw)s.",
                raw=repr(raw[:40]),
            ),
            code="invalid_services",
        )
    return frozenset(int(s) for s in raw.split(","))


def _watch_filter() -> WatchFilter | None:
    """ "Only my services" as asked (``region``, ``services``, ``include_free``); None when
    not asked; ``watch_not_configured`` without a TMDB key."""
    services = _services()
    if services is None:
        return None
    _guide()
    kinds = STREAMING_OR_FREE if request.args.get("include_free") == "1" else STREAMING
    return WatchFilter(_region(), tuple(sorted(services)), kinds)


def _with_watch(
    body: dict[str, Any], movies: list[Any], watch: WatchFilter | None, removed: int = 0
) -> dict[str, Any]:
    """The answer with each film's availability when ``region`` or ``services`` is asked
    for, keeping only films on the viewer's services, checked here whatever the provider
    did (``filtered_out`` adds those ``removed`` at the source)."""
    guide = watch_guide()
    if guide is None or (watch is None and "region" not in request.args):
        return body
    region = _region()
    if body.get("source") == "fallback" and not guide.via_imdb:
        # The provider failed and the catalog stood in: where its films stream is unknown.
        body["watch_unavailable"] = UNAVAILABLE
        if watch is not None:
            body["filtered_out"] = 0
        for item in body["movies"]:
            item["watch"] = guide.unavailable(region)
        return body
    if watch is not None:
        kept = guide.keep(movies, region, watch.services, watch.kinds)
        if kept is None:
            body["watch_unavailable"] = UNAVAILABLE
            body["filtered_out"] = removed
        else:
            ids = {m.id for m in kept[0]}
            body["movies"] = [m for m in body["movies"] if m["id"] in ids]
            movies = [m for m in movies if m.id in ids]
            body["filtered_out"] = removed + kept[1]
    for item, offers in zip(body["movies"], guide.for_movies(movies, region), strict=True):
        item["watch"] = offers
    return body


@bp.get("/tones")
def tones() -> dict[str, Any]:
    """The tone vocabulary: what profiles and ``exclude_tones`` speak."""
    return {
        "tones": [{"tone": tone, "means": means} for tone, means in TONES.items()],
        "endings": [{"ending": ending, "means": means} for ending, means in ENDINGS.items()],
        "content_notes": [{"note": note, "means": means} for note, means in NOTES.items()],
    }


@bp.get("/watch/regions")
def watch_regions() -> dict[str, Any]:
    guide = _guide()
    return {
        "regions": guide.regions(),
        "region": _region(),
        "attribution": guide.attribution,
    }


@bp.get("/watch/services")
def watch_services() -> dict[str, Any]:
    guide = _guide()
    region = _region()
    return {"region": region, "services": guide.services(region), "attribution": guide.attribution}


@bp.get("/emotions")
def emotions() -> dict[str, Any]:
    """The emotion -> genre tables in force (defaults plus configuration): the paper's, which
    matches the mood, and the one that lifts it."""
    service = recommender()
    return {
        "emotions": service.mapping,
        "lift": {emotion: rule.genre for emotion, rule in service.moods.lift.items()},
    }


@bp.get("/cache/stats")
def cache_stats() -> dict[str, Any]:
    return recommender().cache_stats()


@bp.get("/stats")
def stats() -> dict[str, Any]:
    """Cache counters (shared by every worker), and this process's provider calls, errors,
    latency, circuit state and quota, and enrichment."""
    return recommender().stats()


@bp.get("/openapi.json")
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API."""
    return openapi.document()


@bp.get("/version")
def version() -> dict[str, Any]:
    """The running release and the expression model in use (for API clients and bug reports)."""
    return {"version": __version__, "emotion_model": emotion_engine().model_name}


def _uploaded_image() -> bytes:
    """The image from a multipart field ``image`` or from a raw ``image/*`` body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise InvalidInput(
                gettext("Attach the photo as the form field 'image'."), code="missing_image"
            )
        data: bytes = upload.read()
        return data
    if request.mimetype.startswith("image/"):
        return request.get_data(cache=False)
    raise UnsupportedMedia(
        gettext(
            "That is not a photo: choose a JPEG, PNG or WebP picture. (API clients: send it as the "
            "multipart/form-data field 'image' or as an image/* body.)"
        )
    )


# It is the CPU-heavy call, so it is limited per client.
@bp.post("/emotion")
@limiter.limit(emotion_limit)
def emotion() -> dict[str, Any]:
    """Faces and emotions in a photo; the image is processed in memory and never kept."""
    analysis = emotion_engine().analyse(_uploaded_image())
    return {**analysis.to_dict(), "genre": recommender().genre_for(analysis.primary.emotion)}


# Changes nothing and keeps nothing, so a cross-site request gains nothing: no CSRF token is
# asked of API clients.
csrf.exempt(f"{__name__}.emotion")
