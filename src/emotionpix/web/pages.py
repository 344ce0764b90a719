"""Pages for people, and the health check for machines."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import text

from emotionpix._version import __version__
from emotionpix.db import database
from emotionpix.errors import AppError
from emotionpix.services import recommender

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.get("/")
def index() -> str:
    """The three ways in (camera, photo, mood) and search; moods and search are rendered on
    the server too, so they work without JavaScript."""
    service = recommender()
    emotion, query = request.args.get("emotion", ""), request.args.get("q", "")
    max_upload = current_app.config["MAX_CONTENT_LENGTH"]
    context: dict[str, Any] = {
        "mapping": service.mapping,
        "selected": emotion,
        "query": query,
        "votes_label": service.provider.votes_meaning,
        "cast_in_billing_order": service.provider.cast_in_billing_order,
        "max_upload_bytes": max_upload,
        "max_upload_mb": f"{max_upload / 2**20:.0f}",
    }
    try:
        if query.strip():
            context["movies"] = service.search(query).movies
            context["heading"] = f"Results for “{query}”"
        elif emotion:
            result = service.recommend(emotion)
            context["movies"] = result.movies
            context["heading"] = mood_heading(result.genre, result.emotion)
    except AppError as exc:
        # Said next to what caused it: the search box, or the mood chips.
        context["search_error" if query.strip() else "mood_error"] = exc.message
    return render_template("index.html", **context)


def mood_heading(genre: str, emotion: str) -> str:
    """The heading of a mood's films: "Comedy for a happy mood", "Action for an angry mood"."""
    article = "an" if emotion[:1] in "aeiou" else "a"
    return f"{genre} for {article} {emotion} mood"


# Everything the page uses is served from here (no CDN); scripts only from our own files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@bp.after_app_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Liveness and readiness: the database answers and the provider is loaded."""
    checks = {"database": "ok", "provider": recommender().provider.name}
    status = 200
    try:
        with database().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not ready"
        checks["database"] = f"error: {type(exc).__name__}"
        status = 503
    return {
        "status": "ok" if status == 200 else "degraded",
        "version": __version__,
        "checks": checks,
    }, status
