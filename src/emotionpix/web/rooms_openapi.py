"""The OpenAPI description of the movie-night rooms' API (``/api/rooms``), merged into the
document of ``web/openapi.py``."""

from __future__ import annotations

from typing import Any

from emotionpix.web.openapi_parts import answer as _answer
from emotionpix.web.openapi_parts import error as _error


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The room's code (8 characters; any case)",
}
NAME = {"name": {"type": "string", "minLength": 1, "maxLength": 40}}
MOVIE_ID = _body({"movie_id": {"type": "string"}}, ["movie_id"])
BAD = _error("No CSRF token, a body that is not a JSON object, or an invalid value")
TOO_LARGE = _error("A JSON body over 64 KB (invalid_json)")
NOT_MEMBER = _error("Not a member of this room (not_a_member), or not its host (not_the_host)")
GONE = _error("No such room, or it ended 6 hours after its last change (room_not_found)")
LIMITED = _error("Too many joins, new rooms or looks at others' rooms from this address")
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}

ROOM_FILM = {
    "description": "A film as a room keeps it: what its page shows, the reason and the fit",
    "type": "object",
    "required": ["id", "title", "reason", "fit"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "original_title": NULLABLE_STRING,
        "year": {"type": ["integer", "null"]},
        "genres": {"type": ["array", "null"], "items": {"type": "string"}},
        "rating": NULLABLE_NUMBER,
        "votes": {"type": ["integer", "null"]},
        "runtime": {"type": ["integer", "null"]},
        "poster_url": NULLABLE_STRING,
        "imdb_id": NULLABLE_STRING,
        "reason": {"type": "string"},
        "fit": {
            "type": "object",
            "properties": {"worst": {"type": "number"}, "mean": {"type": "number"}},
        },
    },
}

STATE = {
    "type": "object",
    "required": [
        "code",
        "url",
        "version",
        "you",
        "members",
        "mood",
        "movies",
        "vetoed",
        "votes",
        "your_vote",
        "pick",
    ],
    "properties": {
        "code": {"type": "string"},
        "url": {"type": "string"},
        "version": {"type": "integer"},
        "you": {
            "type": "object",
            "properties": {"name": NULLABLE_STRING, "host": {"type": "boolean"}},
        },
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "emotion", "ready", "host", "voted"],
                "properties": {
                    "name": {"type": "string"},
                    "emotion": NULLABLE_STRING,
                    "ready": {"type": "boolean"},
                    "host": {"type": "boolean"},
                    "voted": {"type": "boolean"},
                },
            },
        },
        "mood": {
            "description": "Each emotion's mean share across the members who gave a mood",
            "type": ["object", "null"],
            "properties": {
                "emotion": {"type": "string"},
                "emotions": {"type": "object", "additionalProperties": {"type": "number"}},
                "members": {"type": "integer"},
            },
        },
        "movies": {
            "description": (
                "The room's films, best first: those that fit every member (their worst fit "
                "above 0) ranked by the mean fit; each reason names the members' moods it fits"
            ),
            "type": "array",
            "items": {"$ref": "#/components/schemas/RoomFilm"},
        },
        "vetoed": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "title": NULLABLE_STRING,
                    "by": NULLABLE_STRING,
                },
            },
        },
        "votes": {"type": "object", "additionalProperties": {"type": "integer"}},
        "your_vote": NULLABLE_STRING,
        "pick": {
            "description": (
                "Tonight's pick, once decided; with ``watch`` (where to watch it in the "
                "caller's ``region``) when TMDB is configured"
            ),
            "anyOf": [
                {
                    "allOf": [
                        {"$ref": "#/components/schemas/RoomFilm"},
                        {
                            "type": "object",
                            "properties": {"watch": {"$ref": "#/components/schemas/Watch"}},
                        },
                    ]
                },
                {"type": "null"},
            ],
        },
    },
}


# Each member sees where to watch tonight's pick in their own region.
REGION = {
    "name": "region",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "description": (
        "where to watch tonight's pick: a country (IN, US…); default from Accept-Language "
        "(en-IN: IN), else US. While availability cannot be had, ``watch`` says "
        "``unavailable`` and the pick comes all the same"
    ),
}


def _change(summary: str, body: dict[str, Any] | None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [CODE, REGION],
        "responses": {
            "200": _answer("The room after the change", STATE),
            "400": BAD,
            "403": NOT_MEMBER,
            "404": GONE,
            "413": TOO_LARGE,
            "503": _error("The store is down"),
        },
    }
    if body is not None:
        operation["requestBody"] = body
    return {"post": operation}


ROOM_PATHS: dict[str, Any] = {
    "/api/rooms": {
        "post": {
            "summary": "Open a movie-night room; the caller is its host (and first member)",
            "requestBody": _body(NAME, []),
            "responses": {
                "201": _answer(
                    "The room's code and link",
                    {
                        "type": "object",
                        "required": ["code", "url"],
                        "properties": {"code": {"type": "string"}, "url": {"type": "string"}},
                    },
                ),
                "400": BAD,
                "413": TOO_LARGE,
                "429": LIMITED,
            },
        }
    },
    "/api/rooms/{code}": {
        "get": {
            "summary": "The room as its members see it (pages poll it about once a second)",
            "parameters": [
                CODE,
                {
                    "name": "since",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "A version the caller has: 204 while the room is unchanged",
                },
                REGION,
            ],
            "responses": {
                "200": _answer("The room", STATE),
                "204": {"description": "Nothing changed since the given version"},
                "400": BAD,
                "403": NOT_MEMBER,
                "404": GONE,
                "429": LIMITED,
            },
        }
    },
    "/api/rooms/{code}/events": {
        "get": {
            "summary": (
                "Server-Sent Events: `event: room` (id: its version, data: the room) on each "
                "change, for up to 25 s; then EventSource reconnects with Last-Event-ID"
            ),
            "parameters": [CODE, REGION],
            "responses": {
                "200": {
                    "description": "An event stream",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "403": NOT_MEMBER,
                "404": GONE,
            },
        }
    },
    "/api/rooms/{code}/join": {
        "post": {
            **_change("Join with a name (no account needed; at most 12 people)", None)["post"],
            "requestBody": _body(NAME, ["name"]),
        }
    },
    "/api/rooms/{code}/mood": _change(
        "Set or change the caller's mood: one emotion, or a reading's probabilities",
        _body(
            {
                "emotion": {"type": "string"},
                "emotions": {"type": "object", "additionalProperties": {"type": "number"}},
            },
            [],
        ),
    ),
    "/api/rooms/{code}/veto": _change("Take a film out for everyone", MOVIE_ID),
    "/api/rooms/{code}/vote": _change(
        "Vote for a film (one vote each; again moves it); all voted: tonight's pick", MOVIE_ID
    ),
    "/api/rooms/{code}/close": _change(
        "The host closes the vote: the most votes so far make tonight's pick", None
    ),
}
ROOM_PATHS["/api/rooms/{code}/join"]["post"]["responses"]["429"] = LIMITED
