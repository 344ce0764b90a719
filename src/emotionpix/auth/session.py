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
from emotionpix.auth.ledger import LEDGER_KEY, SessionLedger
from emotionpix.auth.personal import PersonalData
from emotionpix.core.i18n import gettext
from emotionpix.db import DatabaseSkipped

log = logging.getLogger(__name__)

BACKEND_KEY = "emotionpix.auth.backend"
PERSONAL_KEY = "emotionpix.auth.personal"
# What else keeps something about an account (a movie night's membership): each registers a
# callable taking the account id, which deleting the account calls (app.extensions).
ACCOUNT_DELETED_KEY = "emotionpix.auth.account_deleted"
# What offers films to an account elsewhere (a movie night's films): each registers a callable
# taking the account id, called when the account hides a film ("not for me", "seen it").
FILMS_HIDDEN_KEY = "emotionpix.auth.films_hidden"
SESSION_KEY = "auth"

# Open when LOGIN_REQUIRED is on: the health check, the assets, and the way to sign in.
OPEN_ENDPOINTS = {"pages.healthz", "pages.static"}


def films_hidden(account_id: str) -> None:
    """Tell what offers films to the account elsewhere (FILMS_HIDDEN_KEY) that it hid one."""
    for hide in current_app.extensions.get(FILMS_HIDDEN_KEY, []):
        hide(account_id)


def backend(app: Flask | None = None) -> AuthBackend:
    found: AuthBackend = (app or current_app).extensions[BACKEND_KEY]
    return found


def personal(app: Flask | None = None) -> PersonalData:
    found: PersonalData = (app or current_app).extensions[PERSONAL_KEY]
    return found


def ledger(app: Flask | None = None) -> SessionLedger:
    found: SessionLedger = (app or current_app).extensions[LEDGER_KEY]
    return found


def current_credentials() -> Credentials | None:
    """The request's signed-in credentials, checked with the backend (once per request).
    The cookie names only the account and the backend's tokens: who the account is (email,
    verified) comes from the backend's answer."""
    if "credentials" in g:
        found: Credentials | None = g.credentials
        return found
    g.credentials = None
    stored = session.get(SESSION_KEY)
    if isinstance(stored, dict):
        account, session_id = stored.get("id"), stored.get("sid")
        if not isinstance(account, str) or not isinstance(session_id, str):
            session.pop(SESSION_KEY, None)  # not ours, or from before the ledger
            return None
        try:
            # Closed by "Sign out" (a copied cookie included) or past its lifetime?
            tokens = ledger().tokens(session_id, account)
            if tokens == {} and isinstance(stored.get("tokens"), dict):
                tokens = dict(stored["tokens"])  # a cookie from before the tokens moved:
                ledger().renew(session_id, tokens)  # they move now
            credentials = Credentials(Identity(account, "", False), tokens or {})
            checked = backend().current(credentials) if tokens is not None else None
            if checked is not None and dict(checked.tokens) != tokens:
                ledger().renew(session_id, checked.tokens)  # Supabase rotates its tokens
        except (AuthUnavailable, SQLAlchemyError) as exc:
            # The account service or database is down: a guest for now, not signed out.
            # (A database being left alone was logged once, when that began.)
            level = logging.DEBUG if isinstance(exc, DatabaseSkipped) else logging.WARNING
            log.log(level, "cannot check the session (%s): serving as a guest", type(exc).__name__)
            g.unchecked = True
            return None
        if checked is None:
            session.pop(SESSION_KEY, None)
        elif stored != _cookie(account, session_id):  # an older cookie, with more in it
            session[SESSION_KEY] = _cookie(account, session_id)
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
    previous = session.get(SESSION_KEY)
    if isinstance(previous, dict) and isinstance(previous.get("sid"), str):
        ledger().close(previous["sid"])  # a sign-in over a session replaces it
    session.clear()
    session.permanent = remember
    user_id = credentials.identity.user_id
    session[SESSION_KEY] = _cookie(user_id, ledger().open(user_id, credentials.tokens))
    personal().ensure_account(credentials.identity, backend().name)
    g.credentials = credentials


def end_session() -> None:
    """Sign out: the backend's session ends, and the server's record of this one is closed,
    so the cookie (or a copy of it) signs nobody in again."""
    credentials = current_credentials()
    stored = session.get(SESSION_KEY)
    if credentials is not None:
        backend().sign_out(credentials)
    if isinstance(stored, dict) and isinstance(stored.get("sid"), str):
        ledger().close(stored["sid"])
    session.clear()
    g.credentials = None


def _cookie(account_id: str, session_id: str) -> dict[str, Any]:
    """What the session cookie keeps of a sign-in: the account id and the session's id in
    the server's ledger, which holds the rest. The cookie is signed, not encrypted, so it
    holds nothing else (no email, no token that names it)."""
    return {"id": account_id, "sid": session_id}


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
        raise SignedOut(gettext("Sign in to use EmotionPix."))
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["REMEMBER_DAYS"])
    app.before_request(gate)

    @app.context_processor
    def signed_in() -> dict[str, Any]:
        return {"user": current_user()}
