"""Pages for people, and the health check for machines."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
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
    """Mood chips and search, rendered on the server (works without JavaScript)."""
    service = recommender()
    emotion, query = request.args.get("emotion", ""), request.args.get("q", "")
    # The page forgives an odd mode (the API does not): anything but "lift" matches.
    mode = "lift" if request.args.get("mode") == "lift" else "match"
    context: dict[str, Any] = {
        "mapping": service.mapping,
        "selected": emotion,
        "mode": mode,
        "mode_asked": request.args.get("mode") in {"match", "lift"},
        "query": query,
        "votes_label": service.provider.votes_meaning,
    }
    try:
        if query.strip():
            context["cards"] = [(movie, "") for movie in service.search(query).movies]
            context["heading"] = f"Results for “{query}”"
        elif emotion:
            result = service.recommend(emotion, mode=mode)
            context["cards"] = [(pick.movie, pick.reason) for pick in result.picks]
            purpose = "to lift" if mode == "lift" else "for"
            context["heading"] = f"{result.genre} {purpose} a {result.emotion} mood"
    except AppError as exc:
        context["error"] = exc.message
    return render_template("index.html", **context)


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
