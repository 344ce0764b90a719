"""The OpenAPI description of the taste's API (``/api/feedback``, ``/api/taste``,
``/api/movies/{movie_id}/similar``), merged into the document of ``web/openapi.py``."""

from __future__ import annotations

from typing import Any

from emotionpix.core.emotions import EMOTIONS
from emotionpix.taste.compact import MAX_TEXT
from emotionpix.taste.model import REASONS
from emotionpix.web.openapi_parts import answer as _answer
from emotionpix.web.openapi_parts import error as _error

TASTE = {
    "name": "taste",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_TEXT},
    "description": "a guest's taste, as POST /api/feedback last returned it (kept in the "
    "browser; read for this request only, never stored); ignored for a signed-in viewer, "
    "whose taste the account keeps",
}
BAD_TASTE = "a taste the app did not write (invalid_taste)"
SIMILAR_FILMS = {
    "type": "object",
    "required": ["movie_id", "source", "movies"],
    "properties": {
        "movie_id": {"type": "string"},
        "source": {"type": "string", "enum": ["cache", "provider", "stale", "fallback"]},
        "movies": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Pick"},
            "description": "most alike first; each reason names what it shares "
            "(tones, genres, people, decade, language)",
        },
    },
}
FEEDBACK = {
    "type": "object",
    "required": ["movie_id", "verdict"],
    "properties": {
        "movie_id": {"type": "string"},
        "verdict": {"type": "string", "enum": ["like", "dislike"]},
        "reason": {
            "type": "string",
            "enum": list(REASONS),
            "description": "with a dislike only: "
            + "; ".join(f"{k}: {v}" for k, v in REASONS.items()),
        },
        "emotion": {"type": "string", "enum": list(EMOTIONS), "description": "the mood shown"},
        "mode": {"type": "string", "enum": ["match", "lift"]},
        "taste": {"type": "string", "maxLength": MAX_TEXT, "description": "a guest's taste"},
    },
}
FEEDBACK_ANSWER = {
    "type": "object",
    "required": ["movie_id", "verdict", "hidden", "kept", "taste"],
    "properties": {
        "movie_id": {"type": "string"},
        "verdict": {"type": "string"},
        "hidden": {
            "type": ["string", "null"],
            "enum": ["everywhere", "mood", None],
            "description": "where the film no longer shows: everywhere (not for me), the "
            "mood it was said in (not in the mood), or nowhere (a like)",
        },
        "kept": {"type": "boolean", "description": "kept with the account (never for a guest)"},
        "taste": {
            "type": ["string", "null"],
            "description": "a guest's new taste, to keep in the browser and send back",
        },
    },
}
TASTE_SUMMARY = {
    "type": "object",
    "required": ["learning", "signals", "tuned", "hidden", "liked", "top"],
    "properties": {
        "learning": {"type": "boolean"},
        "signals": {"type": "integer", "minimum": 0},
        "tuned": {"type": "boolean", "description": "whether grids are re-ranked by it"},
        "hidden": {"type": "integer", "minimum": 0},
        "liked": {"type": "array", "items": {"type": "string"}},
        "top": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["feature", "weight"],
                "properties": {
                    "feature": {"type": "string", "description": "genre:animation, tone:funny…"},
                    "weight": {"type": "number", "minimum": -1, "maximum": 1},
                },
            },
        },
    },
}
BAD_BODY = _error(
    "No CSRF token, not a JSON object, an unknown verdict, reason, emotion or mode, a reason "
    "with a like, or " + BAD_TASTE
)

TASTE_PATHS: dict[str, Any] = {
    "/api/feedback": {
        "post": {
            "summary": '"More like this" or "Not for me" (with an optional reason) on a film',
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": FEEDBACK}},
            },
            "responses": {
                "201": _answer("Kept with the signed-in viewer's account", FEEDBACK_ANSWER),
                "200": _answer(
                    "Not kept: a guest (the new taste comes back), or learning is off",
                    FEEDBACK_ANSWER,
                ),
                "400": BAD_BODY,
                "404": _error("No such film"),
                "413": _error("A JSON body over 64 KB (invalid_json)"),
                "503": _error("The movie service is unavailable"),
            },
        }
    },
    "/api/taste": {
        "get": {
            "summary": "What the viewer's taste has learned",
            "parameters": [TASTE],
            "responses": {
                "200": _answer("The strongest features, and how many signals", TASTE_SUMMARY),
                "400": _error(BAD_TASTE),
            },
        },
        "delete": {
            "summary": '"Reset my taste": every signal the account keeps forgotten',
            "responses": {
                "200": _answer(
                    "How many signals were forgotten (0 for a guest, whose browser forgets)",
                    {
                        "type": "object",
                        "required": ["forgotten"],
                        "properties": {"forgotten": {"type": "integer", "minimum": 0}},
                    },
                ),
                "400": _error("No CSRF token"),
            },
        },
    },
    "/api/movies/{movie_id}/similar": {
        "get": {
            "summary": '"More like this": the films most like one film',
            "parameters": [
                {"name": "movie_id", "in": "path", "required": True, "schema": {"type": "string"}},
                TASTE,
            ],
            "responses": {
                "200": _answer(
                    "Never the film itself, nor films the viewer has seen or said not for me to",
                    {"$ref": "#/components/schemas/SimilarFilms"},
                ),
                "400": _error(BAD_TASTE),
                "404": _error("No such film"),
                "503": _error("The movie service is unavailable"),
            },
        }
    },
}
