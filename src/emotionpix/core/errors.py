"""The errors the domain raises for a person to read: what went wrong (the class), a stable
``code`` for programs and a ``message`` for people. They know nothing of HTTP: the web layer
(``emotionpix/errors.py``) gives each class its status.
"""

from __future__ import annotations


class AppError(Exception):
    """An error with a message meant for the user (a request that cannot be done as asked)."""

    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(AppError):
    """The request asked for something malformed."""


class NotFound(AppError):
    """The thing asked for does not exist."""

    code = "not_found"


class UnsupportedMedia(AppError):
    """A body of a type the app does not read."""

    code = "unsupported_image"


class ServiceUnavailable(AppError):
    """A backing service (movie provider, database) failed and nothing can stand in."""

    code = "service_unavailable"


class Refused(AppError):
    """The request needs something the caller has not shown (a sign-in, a password)."""


class Forbidden(AppError):
    """The caller is known but may not do this (yet)."""


class TooMany(AppError):
    """Too many attempts for now."""
