"""The signed-in user of a request: who the session cookie names, checked with the backend
once per request; starting and ending sessions; and the gate that closes the app to
everyone else when ``LOGIN_REQUIRED`` is on."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from emotionpix.auth.base import AuthBackend, AuthUnavailable, Credentials, Identity, SignedOut
from emotionpix.auth.personal import PersonalData

log = logging.getLogger(__name__)

BACKEND_KEY = "emotionpix.auth.backend"
PERSONAL_KEY = "emotionpix.auth.personal"
SESSION_KEY = "auth"

# Open when LOGIN_REQUIRED is on: the health check, the assets, and the way to sign in.
OPEN_ENDPOINTS = {"pages.healthz", "pages.static"}


def backend(app: Flask | None = None) -> AuthBackend:
    found: AuthBackend = (app or current_app).extensions[BACKEND_KEY]
    return found


def personal(app: Flask | None = None) -> PersonalData:
    found: PersonalData = (app or current_app).extensions[PERSONAL_KEY]
    return found


def current_credentials() -> Credentials | None:
    """The request's signed-in credentials, checked with the backend (once per request)."""
    if "credentials" in g:
        found: Credentials | None = g.credentials
        return found
    g.credentials = None
    stored = session.get(SESSION_KEY)
    if isinstance(stored, dict):
        try:
            credentials = Credentials(
                Identity(str(stored["id"]), str(stored["email"]), bool(stored["verified"])),
                dict(stored.get("tokens") or {}),
            )
        except (KeyError, TypeError):
            credentials = None
        try:
            checked = backend().current(credentials) if credentials else None
        except (AuthUnavailable, SQLAlchemyError) as exc:
            # The account service or database is down: a guest for now, not signed out.
            log.warning("cannot check the session (%s): serving as a guest", type(exc).__name__)
            g.unchecked = True
            return None
        if checked is None:
            session.pop(SESSION_KEY, None)
        elif checked != credentials:  # renewed (Supabase rotates its tokens)
            _store(checked)
        g.credentials = checked
    return g.credentials  # type: ignore[no-any-return]


def current_user() -> Identity | None:
    credentials = current_credentials()
    return credentials.identity if credentials else None


def require_user() -> Identity:
    """The signed-in user; SignedOut (401) for a guest, AuthUnavailable (503) when the
    session cannot be checked right now (the account service or database is down)."""
    user = current_user()
    if user is None:
        raise AuthUnavailable() if g.get("unchecked") else SignedOut()
    return user


def start_session(credentials: Credentials, *, remember: bool | None = None) -> None:
    """A fresh session for ``credentials``: nothing of the guest session carries over (its
    CSRF token included), and "remember me" keeps it past the browser's closing (None: as
    the current session was)."""
    remember = session.permanent if remember is None else remember
    session.clear()
    session.permanent = remember
    _store(credentials)
    personal().ensure_account(credentials.identity, backend().name)
    g.credentials = credentials


def end_session() -> None:
    credentials = current_credentials()
    if credentials is not None:
        backend().sign_out(credentials)
    session.clear()
    g.credentials = None


def _store(credentials: Credentials) -> None:
    identity = credentials.identity
    session[SESSION_KEY] = {
        "id": identity.user_id,
        "email": identity.email,
        "verified": identity.verified,
        "tokens": dict(credentials.tokens),
    }


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site; anything else (another host, a scheme,
    "//evil.example", backslashes) gives ``default``: sign-in never redirects away."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the Secure flag whenever the request came over
    HTTPS (directly, or through a trusted proxy), not only when configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def gate() -> Response | None:
    """With LOGIN_REQUIRED, everything but the open endpoints needs a verified user."""
    if not current_app.config["LOGIN_REQUIRED"]:
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.startswith("auth."):
        return None
    if current_user() is not None:
        return None
    if request.path.startswith("/api/"):
        raise SignedOut("Sign in to use EmotionPix.")
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["REMEMBER_DAYS"])
    app.before_request(gate)

    @app.context_processor
    def signed_in() -> dict[str, Any]:
        return {"user": current_user()}
