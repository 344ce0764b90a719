"""The JSON API. Every error leaves as ``{"error", "message"}`` (see errors.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from emotionpix._version import __version__
from emotionpix.errors import InvalidInput, UnsupportedMedia
from emotionpix.services import emotion_engine, recommender

bp = Blueprint("api", __name__, url_prefix="/api")


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a whole number, got {raw!r}.", code=f"invalid_{name}"
        ) from None


def _probabilities_arg() -> dict[str, float] | None:
    """``emotions=happy:0.48,surprise:0.41`` as a mapping; None when absent."""
    raw = request.args.get("emotions", "").strip()
    if not raw:
        return None
    try:
        pairs = [(label.strip(), float(p)) for label, p in (i.split(":") for i in raw.split(","))]
    except ValueError:
        pairs = []
    probabilities = dict(pairs)
    if not pairs or len(probabilities) < len(pairs):
        raise InvalidInput(
            f"emotions must look like happy:0.48,surprise:0.41, got {raw!r}.",
            code="invalid_emotions",
        )
    return probabilities


@bp.get("/recommendations")
def recommendations() -> dict[str, Any]:
    page = _int_arg("page")
    result = recommender().recommend(
        request.args.get("emotion", "").strip() or None,
        page=1 if page is None else page,
        seed=_int_arg("seed"),
        mode=request.args.get("mode", "match").strip(),
        probabilities=_probabilities_arg(),
    )
    return result.to_dict()


@bp.get("/search")
def search() -> dict[str, Any]:
    return recommender().search(request.args.get("q", "")).to_dict()


@bp.get("/movies/<movie_id>")
def movie(movie_id: str) -> dict[str, Any]:
    return recommender().movie(movie_id).to_dict()


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


@bp.get("/version")
def version() -> dict[str, Any]:
    """The running release and the expression model in use (for API clients and bug reports)."""
    return {"version": __version__, "emotion_model": emotion_engine().model_name}


def _uploaded_image() -> bytes:
    """The image from a multipart field ``image`` or from a raw ``image/*`` body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("image")
        if upload is None:
            raise InvalidInput("Attach the photo as the form field 'image'.", code="missing_image")
        data: bytes = upload.read()
        return data
    if request.mimetype.startswith("image/"):
        return request.get_data(cache=False)
    raise UnsupportedMedia(
        "Send the photo as multipart/form-data (field 'image') or as an image/* body."
    )


@bp.post("/emotion")
def emotion() -> dict[str, Any]:
    """Faces and emotions in a photo; the image is processed in memory and never kept."""
    analysis = emotion_engine().analyse(_uploaded_image())
    return {**analysis.to_dict(), "genre": recommender().genre_for(analysis.primary.emotion)}
