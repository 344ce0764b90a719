"""The OpenAPI 3.1 description of ``/api/*``, served at ``/api/openapi.json``.

Kept by hand beside the routes: ``tests/web/test_openapi.py`` checks that every route is
described and every description has a route, and schemathesis checks the answers against it
(tests/integration/test_api_fuzzing.py)."""

from __future__ import annotations

from typing import Any

from emotionpix._version import __version__
from emotionpix.core.tones import ENDINGS, INTENSITIES, NOTES, TONES
from emotionpix.web.openapi_parts import answer as _answer
from emotionpix.web.openapi_parts import error as _error
from emotionpix.web.rooms_openapi import ROOM_FILM, ROOM_PATHS
from emotionpix.web.taste_openapi import SIMILAR_FILMS, TASTE, TASTE_PATHS


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _json(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> Any:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


# Answers any endpoint may give.
COMMON = {
    "401": _error("Sign in first (every endpoint, when the operator requires accounts)"),
    "414": _error("The address is too long"),
    "500": _error("Never on purpose: a bug, reported as JSON"),
}
UNAVAILABLE = _error("The movie service and the built-in catalog failed, or the store is down")

MOVIE = {
    "type": "object",
    "required": ["id", "title", "genres", "votes", "languages", "countries", "cast"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "year": _nullable("integer"),
        "genres": {"type": "array", "items": {"type": "string"}},
        "rating": _nullable("number", minimum=0, maximum=10),
        "votes": {"type": "integer", "minimum": 0},
        "languages": {"type": "array", "items": {"type": "string"}},
        "countries": {"type": "array", "items": {"type": "string"}},
        "overview": _nullable("string"),
        "poster_url": _nullable("string"),
        "backdrop_url": _nullable("string"),
        "runtime": _nullable("integer"),
        "director": _nullable("string"),
        "cast": {"type": "array", "items": {"type": "string"}, "description": "billing order"},
        "imdb_id": _nullable("string"),
        "trailer_url": _nullable("string"),
        "original_title": _nullable("string", description="where ``title`` translates it"),
        "keywords": {"type": "array", "items": {"type": "string"}, "description": "subject tags"},
        "tones": {
            "type": "array",
            "items": {"type": "string", "enum": list(TONES)},
            "description": "how the film feels, most characteristic first (empty: no profile)",
        },
        "ending": {**_nullable("string"), "enum": [*ENDINGS, None]},
        "intensity": {
            "type": ["object", "null"],
            "required": list(INTENSITIES),
            "properties": {
                name: {"type": "integer", "minimum": 0, "maximum": 3} for name in INTENSITIES
            },
            "description": "0 none, 1 mild, 2 moderate, 3 strong",
        },
        "content_notes": {"type": "array", "items": {"type": "string", "enum": list(NOTES)}},
        "tones_from": {
            **_nullable("string"),
            "enum": ["team", "keywords", None],
            "description": "team: written by hand; keywords: read from the provider's tags",
        },
        "certificate": _nullable("string", description="the age rating (G, PG, PG-13, R…)"),
    },
}
PICK = {
    "allOf": [
        {"$ref": "#/components/schemas/Movie"},
        {
            "type": "object",
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "description": "why it was picked"}},
        },
    ]
}
SOURCE = {"type": "string", "enum": ["provider", "cache", "stale", "fallback"]}
PROBABILITIES = {"type": "object", "additionalProperties": {"type": "number"}}
FACE = {
    "type": "object",
    "required": ["box", "score", "emotions", "emotion", "confidence"],
    "properties": {
        "box": {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4},
        "score": {"type": "number"},
        "emotions": PROBABILITIES,
        "emotion": {"type": "string"},
        "confidence": {"type": "number"},
        "runner_up": {"type": "string"},
        "close_call": {"type": "boolean", "description": "the top two are too close to call"},
    },
}

# Where to watch (TMDB configured: its JustWatch data, credited as ``attribution``).
SERVICE = {
    "type": "object",
    "required": ["id", "name", "logo"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "logo": _nullable("string", description="through the same image origin as posters"),
    },
}
SERVICES = {"type": "array", "items": {"$ref": "#/components/schemas/WatchService"}}
WATCH = {
    "type": "object",
    "required": ["region", "attribution"],
    "description": "the film's availability in ``region``, as of ``fetched_at`` (cached a "
    "day at most); only ``unavailable`` while TMDB fails",
    "properties": {
        "region": {"type": "string", "description": "ISO 3166-1 country"},
        "fetched_at": _nullable("string", description="ISO 8601, UTC"),
        "link": _nullable("string", description="TMDB's watch page for the region"),
        "stream": SERVICES,
        "free": SERVICES,
        "ads": SERVICES,
        "rent": SERVICES,
        "buy": SERVICES,
        "attribution": {"type": "string", "description": "Data from JustWatch"},
        "unavailable": {"type": "string"},
    },
}
WITH_WATCH = {"type": "object", "properties": {"watch": {"$ref": "#/components/schemas/Watch"}}}
FILTERED = {
    "type": "object",
    "properties": {
        "filtered_out": {
            "type": "integer",
            "minimum": 0,
            "description": "films of this page the services filter removed",
        },
        "watch_unavailable": {
            "type": "string",
            "description": "availability could not be had: nothing was filtered",
        },
        "movies": {"type": "array", "items": WITH_WATCH},
    },
}
NEEDS_TMDB = _error("Where to watch needs a TMDB key (watch_not_configured)")
CHOICES = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "description": "the filters in force: the viewer's (``chosen``), else the defaults",
            "properties": {
                "languages": {"type": "array", "items": {"type": "string"}},
                "from": {"type": ["integer", "null"]},
                "to": {"type": ["integer", "null"]},
                "max_runtime": {"type": ["integer", "null"]},
                "family": {"type": "boolean"},
                "chosen": {"type": "boolean"},
            },
        }
    },
}
VIEWER_FILTERS = [
    _query(
        "languages",
        {"type": "string", "pattern": "^[A-Za-z]{2}(,[A-Za-z]{2}){0,26}$"},
        "only films in one of these languages (ISO 639-1: hi,en); default: the configured ones",
    ),
    _query("from", {"type": "integer", "minimum": 1900, "maximum": 2100}, "released from"),
    _query("to", {"type": "integer", "minimum": 1900, "maximum": 2100}, "released up to"),
    _query(
        "max_runtime",
        {"type": "integer", "minimum": 30, "maximum": 600},
        "at most this many minutes (films of unknown length go)",
    ),
    _query(
        "family",
        {"type": "string", "enum": ["0", "1"]},
        "1: family-safe only (certified G/PG where known, else Family/Animation without "
        "Horror, Crime, Thriller or War)",
    ),
]
REGION = _query(
    "region",
    {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "where to watch: a country (IN, US…); default from Accept-Language (en-IN: IN), else US. "
    "Each film then carries ``watch`` (TMDB configured)",
)
WATCH_FILTER = [
    REGION,
    _query(
        "services",
        {"type": "string", "pattern": "^[0-9]{1,9}(,[0-9]{1,9}){0,19}$"},
        "only my services: TMDB service ids (``/api/watch/services``); keeps the films "
        "streaming on one of them in ``region`` and says how many went (``filtered_out``)",
    ),
    _query(
        "include_free",
        {"type": "string", "enum": ["0", "1"]},
        "1: free and with-ads offers count too",
    ),
]

SCHEMAS: dict[str, Any] = {
    "Watch": WATCH,
    "WatchService": SERVICE,
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
    "Movie": MOVIE,
    "RoomFilm": ROOM_FILM,
    "Recommendations": {
        "type": "object",
        "required": [
            "emotion",
            "genre",
            "mode",
            "blend",
            "source",
            "page",
            "seed",
            "total",
            "has_more",
            "movies",
        ],
        "properties": {
            "emotion": {"type": "string"},
            "genre": {"type": "string"},
            "mode": {"type": "string", "enum": ["match", "lift"]},
            "blend": {
                "type": ["array", "null"],
                "description": "on a close call: the two moods blended, with their weights",
                "items": {
                    "type": "object",
                    "required": ["emotion", "genre", "weight"],
                    "properties": {
                        "emotion": {"type": "string"},
                        "genre": {"type": "string"},
                        "weight": {"type": "number"},
                    },
                },
            },
            "source": SOURCE,
            "page": {"type": "integer", "minimum": 1},
            "seed": {"type": "integer", "minimum": 0},
            "total": {"type": "integer", "minimum": 0},
            "has_more": {"type": "boolean"},
            "movies": {"type": "array", "items": {"$ref": "#/components/schemas/Pick"}},
            "drawn_from": {
                "type": "string",
                "description": "what the films are drawn from: provider, languages, years, rating",
            },
            "tuned": {
                "type": "boolean",
                "description": "re-ranked by the viewer's taste (the page says so)",
            },
            "crowd": {
                "type": "boolean",
                "description": "ordered partly by what the members who let the app learn liked "
                "(every viewer's ranking starts from it once enough members have said enough)",
            },
            "wished": {
                "type": ["string", "null"],
                "enum": ["match", "lift", None],
                "description": "the mood's other rules whose films the viewer's taste in this "
                "mood brought in (lifting films in a matching grid, or the reverse); null if none",
            },
        },
    },
    "Pick": PICK,
    "SimilarFilms": SIMILAR_FILMS,
    "SearchResults": {
        "type": "object",
        "required": ["query", "source", "movies"],
        "properties": {
            "query": {"type": "string"},
            "source": SOURCE,
            "movies": {"type": "array", "items": {"$ref": "#/components/schemas/Movie"}},
            "hidden": {
                "type": "integer",
                "minimum": 0,
                "description": "films that matched but the viewer's filters leave out",
            },
            "drawn_from": {"type": "string", "description": "where the titles were searched"},
            "not_found": _nullable(
                "string",
                description="why nothing was found: an offline catalog says where it ends",
            ),
        },
    },
    "EmotionResult": {
        "type": "object",
        "required": ["faces", "emotion", "confidence", "genre", "model", "image_size"],
        "properties": {
            "faces": {"type": "array", "items": FACE, "minItems": 1},
            "emotion": {"type": "string"},
            "confidence": {"type": "number"},
            "runner_up": {"type": "string"},
            "close_call": {"type": "boolean"},
            "genre": {"type": "string"},
            "model": {"type": "string"},
            "image_size": {"type": "array", "items": {"type": "integer"}},
            "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
        },
    },
    "CacheStats": {
        "type": "object",
        "required": ["hits", "misses", "hit_rate", "entries", "provider_calls"],
        "properties": {
            "hits": {"type": "integer"},
            "misses": {"type": "integer"},
            "hit_rate": {"type": "number"},
            "entries": {"type": "integer"},
            "provider_calls": {"type": "integer"},
        },
        "additionalProperties": {"type": "integer"},
    },
}

# The signed-in viewer's lists. The session cookie says who; a call that changes something
# also sends the page's CSRF token in X-CSRFToken (400 without it).
FILM = {
    "type": "object",
    "required": ["id", "title", "year", "poster_url"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "year": _nullable("integer"),
        "poster_url": _nullable("string"),
    },
}
FILMS = {
    "type": "object",
    "required": ["movies"],
    "properties": {"movies": {"type": "array", "items": FILM}},
}
MOOD = {
    "type": "object",
    "required": ["emotion", "source", "corrected_from", "at"],
    "properties": {
        "emotion": {"type": "string"},
        "source": {"type": "string", "enum": ["camera", "photo", "correction"]},
        "corrected_from": _nullable("string"),
        "at": {"type": "number", "description": "Unix time"},
    },
}
SIGNED_OUT = _error("Not signed in")
NO_TOKEN = _error(
    "Malformed body (invalid_json: not JSON, or nested deeper than 32), or no CSRF token"
)
BODY_TOO_LARGE = _error("A JSON body over 64 KB (invalid_json)")


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _film_list(noun: str) -> dict[str, Any]:
    return {
        f"/api/{noun}": {
            "get": {
                "summary": f"The films on the viewer's {noun} list, newest first",
                "responses": {"200": _answer("Films", FILMS), "401": SIGNED_OUT},
            },
            "post": {
                "summary": f"Put a film on the {noun} list (title and poster from the provider)",
                "requestBody": _body(
                    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
                ),
                "responses": {
                    "201": _answer("The film as kept", FILM),
                    "400": NO_TOKEN,
                    "401": SIGNED_OUT,
                    "413": BODY_TOO_LARGE,
                    "404": _error("No such film"),
                    "503": UNAVAILABLE,
                },
            },
        },
        f"/api/{noun}/{{movie_id}}": {
            "delete": {
                "summary": f"Take a film off the {noun} list",
                "parameters": [
                    {
                        "name": "movie_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "204": {"description": "Removed"},
                    "400": NO_TOKEN,
                    "401": SIGNED_OUT,
                    "404": _error("Not on the list"),
                },
            }
        },
    }


WATCH_SETTINGS: dict[str, Any] = {
    "type": "object",
    "required": ["region", "services", "include_free"],
    "properties": {
        "region": {
            "type": ["string", "null"],
            "pattern": "^[A-Z]{2}$",
            "description": "a region TMDB lists (``/api/watch/regions``); null: the browser's",
        },
        "services": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1},
            "maxItems": 20,
            "description": "service ids (``/api/watch/services``)",
        },
        "include_free": {"type": "boolean", "description": "free and with-ads offers count"},
    },
}

ACCOUNT_PATHS: dict[str, Any] = {
    "/api/me": {
        "get": {
            "summary": "Who is signed in, and the ids on their lists",
            "responses": {
                "200": _answer(
                    "signed_in is false for a guest",
                    {
                        "type": "object",
                        "required": ["signed_in"],
                        "properties": {
                            "signed_in": {"type": "boolean"},
                            "email": {"type": "string"},
                            "history_enabled": {"type": "boolean"},
                            "watchlist": {"type": "array", "items": {"type": "string"}},
                            "seen": {"type": "array", "items": {"type": "string"}},
                            "watch": {
                                "oneOf": [WATCH_SETTINGS, {"type": "null"}],
                                "description": "where they watch; null until first saved",
                            },
                        },
                    },
                )
            },
        }
    },
    "/api/me/watch": {
        "get": {
            "summary": "Where the viewer watches: region and services, kept on the account",
            "responses": {
                "200": _answer("Region null and no services until chosen", WATCH_SETTINGS),
                "401": SIGNED_OUT,
            },
        },
        "put": {
            "summary": "Keep the viewer's region and services (the page saves them on change)",
            "requestBody": _body(
                {**WATCH_SETTINGS, "required": []},
            ),
            "responses": {
                "200": _answer("As kept", WATCH_SETTINGS),
                "400": _error(
                    "A region TMDB does not list (or not a two-letter code), services that are "
                    "not a list of at most 20 ids, include_free not a boolean, no CSRF token"
                ),
                "401": SIGNED_OUT,
                "413": BODY_TOO_LARGE,
            },
        },
    },
    **_film_list("watchlist"),
    **_film_list("seen"),
    "/api/moods": {
        "get": {
            "summary": "The viewer's mood history (kept only if they turned it on)",
            "responses": {
                "200": _answer(
                    "Newest first",
                    {
                        "type": "object",
                        "required": ["history_enabled", "moods"],
                        "properties": {
                            "history_enabled": {"type": "boolean"},
                            "moods": {"type": "array", "items": MOOD},
                        },
                    },
                ),
                "401": SIGNED_OUT,
            },
        },
        "post": {
            "summary": "Keep a reading or a correction, if the history is on",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["emotion", "source"],
                    "properties": {
                        "emotion": {"type": "string"},
                        "source": {"type": "string", "enum": ["camera", "photo", "correction"]},
                        "corrected_from": {"type": "string"},
                    },
                }
            ),
            "responses": {
                "200": _answer(
                    "recorded is false when the history is off",
                    {
                        "type": "object",
                        "required": ["recorded"],
                        "properties": {"recorded": {"type": "boolean"}},
                    },
                ),
                "400": NO_TOKEN,
                "401": SIGNED_OUT,
                "413": BODY_TOO_LARGE,
            },
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/recommendations": {
        "get": {
            "summary": "One page of well-rated films for an emotion",
            "parameters": [
                _query(
                    "emotion",
                    {"type": "string"},
                    "happy, sad, angry, surprise, neutral, fear, disgust (or a common alias); "
                    "may be left out when ``emotions`` is given (the most probable leads)",
                ),
                _query(
                    "mode",
                    {"type": "string", "enum": ["match", "lift"]},
                    "match the mood or lift it",
                ),
                _query(
                    "emotions",
                    {"type": "string"},
                    "a photo's probabilities, ``happy:0.48,surprise:0.41``: a close call blends "
                    "the two moods' films",
                ),
                _query("page", {"type": "integer", "minimum": 1, "maximum": 1000}, "page, from 1"),
                _query(
                    "seed",
                    {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                    "the seed of a previous answer, to page through the same order",
                ),
                _query(
                    "exclude_tones",
                    {"type": "string", "maxLength": 1000},
                    "tones and content notes to leave out, comma-separated: "
                    "``harrowing,gory,sexual-violence`` (GET /api/tones lists them)",
                ),
                TASTE,
                *WATCH_FILTER,
                *VIEWER_FILTERS,
            ],
            "responses": {
                "200": _answer(
                    "Films",
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/Recommendations"},
                            FILTERED,
                            CHOICES,
                        ]
                    },
                ),
                "400": _error(
                    "Unknown emotion or mode, bad emotions, a bad page or seed, region or "
                    "services, a bad filter (languages, from, to, max_runtime, family), an "
                    "unknown tone, or a taste the app did not write"
                ),
                "404": NEEDS_TMDB,
                "503": UNAVAILABLE,
            },
        }
    },
    "/api/search": {
        "get": {
            "summary": "Films by title (typos, accents and case forgiven)",
            "parameters": [
                _query("q", {"type": "string", "maxLength": 200}, "part of a title", required=True),
                *WATCH_FILTER,
                *VIEWER_FILTERS,
            ],
            "responses": {
                "200": _answer(
                    "The best matches first",
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/SearchResults"},
                            FILTERED,
                            CHOICES,
                        ]
                    },
                ),
                "400": _error("Empty or too long, a bad region or services, or a bad filter"),
                "404": NEEDS_TMDB,
                "503": UNAVAILABLE,
            },
        }
    },
    "/api/movies/{movie_id}": {
        "get": {
            "summary": "One film's details",
            "parameters": [
                {
                    "name": "movie_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "the provider's id (Wikidata Q…, TMDB number) or an IMDb tt…",
                },
                REGION,
            ],
            "responses": {
                "200": _answer(
                    "The film (with ``watch`` where TMDB is configured)",
                    {"allOf": [{"$ref": "#/components/schemas/Movie"}, WITH_WATCH]},
                ),
                "400": _error("A bad region"),
                "404": _error("No such film"),
                "503": UNAVAILABLE,
            },
        }
    },
    "/api/tones": {
        "get": {
            "summary": "The tone vocabulary of film profiles, with what each word means",
            "responses": {
                "200": _answer(
                    "Tones, endings and content notes (``exclude_tones`` takes tones and notes)",
                    {
                        "type": "object",
                        "required": ["tones", "endings", "content_notes"],
                        "properties": {
                            "tones": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["tone", "means"],
                                    "properties": {
                                        "tone": {"type": "string"},
                                        "means": {"type": "string"},
                                    },
                                },
                            },
                            "endings": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["ending", "means"],
                                    "properties": {
                                        "ending": {"type": "string"},
                                        "means": {"type": "string"},
                                    },
                                },
                            },
                            "content_notes": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["note", "means"],
                                    "properties": {
                                        "note": {"type": "string"},
                                        "means": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                ),
            },
        }
    },
    "/api/watch/regions": {
        "get": {
            "summary": "Every region TMDB lists availability for (JustWatch data)",
            "parameters": [REGION],
            "responses": {
                "200": _answer(
                    "By name; ``region`` is the viewer's (asked for, or from Accept-Language)",
                    {
                        "type": "object",
                        "required": ["regions", "region", "attribution"],
                        "properties": {
                            "regions": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["code", "name"],
                                    "properties": {
                                        "code": {"type": "string"},
                                        "name": {"type": "string"},
                                    },
                                },
                            },
                            "region": {"type": "string"},
                            "attribution": {"type": "string"},
                        },
                    },
                ),
                "400": _error("A bad region"),
                "404": NEEDS_TMDB,
                "503": _error("TMDB failed and no list is cached"),
            },
        }
    },
    "/api/watch/services": {
        "get": {
            "summary": 'The streaming services of a region, for an "only my services" picker',
            "parameters": [REGION],
            "responses": {
                "200": _answer(
                    "In the region's order",
                    {
                        "type": "object",
                        "required": ["region", "services", "attribution"],
                        "properties": {
                            "region": {"type": "string"},
                            "services": SERVICES,
                            "attribution": {"type": "string"},
                        },
                    },
                ),
                "400": _error("A bad region"),
                "404": NEEDS_TMDB,
                "503": _error("TMDB failed and no list is cached"),
            },
        }
    },
    "/api/emotion": {
        "post": {
            "summary": "Faces and emotions in a photo (processed in memory, never stored)",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["image"],
                            "properties": {"image": {"type": "string", "format": "binary"}},
                        }
                    },
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/webp": {"schema": {"type": "string", "format": "binary"}},
                },
            },
            "responses": {
                "200": _json("Every face, the primary one first", "EmotionResult"),
                "400": _error("Not an image, damaged, or no image field"),
                "413": _error("Over the upload limit, too many pixels, or too big to decode"),
                "415": _error("Not JPEG, PNG or WebP"),
                "422": _error("No face in the picture (never a made-up emotion)"),
                "429": _error("Too many photos from this client; Retry-After says when to retry"),
            },
        }
    },
    "/api/emotions": {
        "get": {
            "summary": "The emotion → genre tables in force (matching the mood, lifting it)",
            "responses": {
                "200": {
                    "description": "emotion → genre",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["emotions", "lift"],
                                "properties": {
                                    "emotions": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "lift": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/api/cache/stats": {
        "get": {
            "summary": "Cache counters shared by every worker",
            "responses": {"200": _json("Counters", "CacheStats"), "503": UNAVAILABLE},
        }
    },
    "/api/stats": {
        "get": {
            "summary": "Cache counters, and this process's provider and enrichment figures",
            "responses": {
                "200": {
                    "description": "Statistics",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["cache", "provider"],
                                "properties": {
                                    "cache": {"type": "object"},
                                    "provider": {"type": "object"},
                                    "enrichment": {"type": ["object", "null"]},
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/api/version": {
        "get": {
            "summary": "The release and the expression model in use",
            "responses": {
                "200": {
                    "description": "Version",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["version", "emotion_model"],
                                "properties": {
                                    "version": {"type": "string"},
                                    "emotion_model": {"type": "string"},
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/api/ondevice": {
        "get": {
            "summary": "The emotion pipeline as data, for reading faces on the viewer's device",
            "description": (
                "The preprocessing contract of the server's pipeline (working size, Pillow "
                "reducing gaps, pixel scaling, detectors with their anchors and layout, the "
                "classifier with its crop margin, input size and label order, the close-call "
                "margin) with the versioned URLs of ONNX Runtime Web and of the models, which "
                "are served with immutable caching and gzip."
            ),
            "responses": {
                "200": {
                    "description": "The contract",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["detector", "classifier", "runtime", "pixel_scale"],
                                "properties": {
                                    "working_size": {"type": "array", "items": {"type": "integer"}},
                                    "pixel_scale": {"type": "number"},
                                    "detector": {"type": "object"},
                                    "classifier": {
                                        "type": "object",
                                        "required": ["name", "url", "size", "margin", "labels"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "url": {"type": "string"},
                                            "size": {"type": "integer"},
                                            "margin": {"type": "number"},
                                            "labels": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                        },
                                    },
                                    "runtime": {
                                        "type": "object",
                                        "required": ["version", "base", "module"],
                                        "properties": {
                                            "version": {"type": "string"},
                                            "base": {"type": "string"},
                                            "module": {"type": "string"},
                                        },
                                    },
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    **ACCOUNT_PATHS,
    **ROOM_PATHS,
    **TASTE_PATHS,
    "/api/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths = {
        path: {
            method: {**operation, "responses": {**COMMON, **operation["responses"]}}
            for method, operation in item.items()
        }
        for path, item in PATHS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EmotionPix API",
            "version": __version__,
            "description": (
                "Recognise the viewer's emotion and recommend well-rated films that fit it. "
                'Every error is JSON {"error": code, "message": text} with a 4xx status '
                "(503 when a backing service is down)."
            ),
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
