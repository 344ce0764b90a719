"""The one place where any error becomes a response.

API clients get ``{"error": code, "message": text}`` with the right status; browsers get a
friendly page. The parts below the web layer raise their own errors without knowing HTTP
(``core.errors``, the emotion engine's ``EmotionError``); ``STATUS`` gives each its status
here.
Nothing reaches a user as a bare 500 traceback.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from emotionpix.cache.base import CacheUnavailable
from emotionpix.core.errors import (
    AppError,
    Forbidden,
    InvalidInput,
    NotFound,
    Refused,
    ServiceUnavailable,
    TooMany,
    UnsupportedMedia,
)
from emotionpix.core.i18n import N_, gettext
from emotionpix.emotion.errors import (
    EmotionError,
    ImageTooLarge,
    InvalidImage,
    NoFace,
    UnsupportedImage,
)

log = logging.getLogger(__name__)


class TooLarge(AppError):
    """A request (its address or its body) over a limit of the web layer."""


class UriTooLong(AppError):
    """An address longer than the app ever makes."""

    code = "uri_too_long"


# The HTTP status of each domain error (the nearest class in its MRO decides).
STATUS: dict[type[Exception], int] = {
    AppError: 400,
    InvalidInput: 400,
    NotFound: 404,
    UnsupportedMedia: 415,
    ServiceUnavailable: 503,
    Refused: 401,
    Forbidden: 403,
    TooMany: 429,
    TooLarge: 413,
    UriTooLong: 414,
    InvalidImage: 400,
    ImageTooLarge: 413,
    UnsupportedImage: 415,
    NoFace: 422,
}


# Werkzeug's own words for the statuses a person meets, in ours (and so in their language).
HTTP_MESSAGES = {
    404: N_("There is no page at this address. Check the link, or start again from EmotionPix."),
    405: N_("This address does not answer that kind of request."),
}


def status_of(exc: Exception) -> int:
    """The HTTP status for a domain error: that of the nearest class listed in ``STATUS``."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def error_response(code: str, message: str, status: int) -> tuple[Response | str, int]:
    """Render an error as JSON or HTML, whichever the request prefers."""
    if _wants_json():
        return jsonify(error=code, message=message), status
    return render_template("error.html", code=code, message=message, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers that turn every exception into a proper response."""

    @app.errorhandler(AppError)
    def handle_app_error(exc: AppError) -> tuple[Response | str, int]:
        return error_response(exc.code, exc.message, status_of(exc))

    @app.errorhandler(EmotionError)
    def handle_emotion_error(exc: EmotionError) -> tuple[Response | str, int]:
        return error_response(exc.code, exc.message, status_of(exc))

    @app.errorhandler(CacheUnavailable)
    @app.errorhandler(SQLAlchemyError)  # the accounts' tables, while the database is down
    def handle_store_down(exc: Exception) -> tuple[Response | str, int]:
        return error_response(
            "service_unavailable",
            gettext("The app's database is unavailable right now. Try again shortly."),
            503,
        )

    @app.errorhandler(RequestEntityTooLarge)
    def handle_too_large(exc: RequestEntityTooLarge) -> tuple[Response | str, int]:
        limit = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        return error_response(
            "image_too_large",
            gettext("The upload is too large: at most %(limit)s MB, please.", limit=f"{limit:.0f}"),
            413,
        )

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError) -> tuple[Response | str, int]:
        return error_response(
            "csrf_failed",
            gettext(
                "This form has expired or did not come from this site. "
                "Reload the page and try again."
            ),
            400,
        )

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limit(exc: RateLimitExceeded) -> tuple[Response | str, int]:
        # Flask-Limiter adds Retry-After (and X-RateLimit-*) to this response afterwards.
        return error_response(
            "too_many_requests",
            gettext(
                "Too many requests from your address (the limit is %(limit)s). "
                "Please wait a little and try again.",
                limit=exc.description,
            ),
            429,
        )

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(exc: SecurityError) -> tuple[Response, int]:
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page template.
        return jsonify(
            error="untrusted_host",
            message=gettext("This server does not answer to that host name."),
        ), 400

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException) -> tuple[Response | str, int]:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        message = HTTP_MESSAGES.get(status)
        return error_response(
            code, gettext(message) if message else exc.description or exc.name, status
        )

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> tuple[Response | str, int]:
        # repr: a path may carry newlines or control characters that would forge log lines
        log.exception("unhandled error on %s %r", request.method, request.path)
        return error_response(
            "internal_error", gettext("Something went wrong on our side. Please try again."), 500
        )
