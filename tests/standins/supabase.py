"""A stand-in for Supabase Auth (GoTrue) under ``/auth/v1``, written from its documented
contract (../shared/guides/contracts.md): email confirmation on, HS256 JWTs signed with a
secret of this instance, refresh tokens that rotate (a reused one revokes its session), the
``{"code", "message"}`` error body with ``x-sb-error-code``. Instead of sending email it keeps
an ``outbox`` of ``Mail(email, kind, link)`` that tests read and follow."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Flask, Response, jsonify, redirect, request

from tests.standins.server import StandIn

API_VERSION = "2024-01-01"
MIN_PASSWORD = 8  # the project setting "minimum password length"


@dataclass
class Mail:
    email: str
    kind: str  # "signup" or "recovery"
    link: str


@dataclass
class User:
    id: str
    email: str
    password_hash: str
    created_at: float
    confirmed_at: float | None = None
    last_mail_at: float = float("-inf")


@dataclass
class OneTimeToken:
    user_id: str
    kind: str
    created_at: float
    redirect_to: str


@dataclass
class Session:
    id: str
    user_id: str
    method: str  # how it began, in the JWT's "amr": "password", or "otp" for a mailed link
    started_at: float
    refresh_tokens: set[str] = field(default_factory=set)  # every token it ever had


class AuthError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class GoTrue:
    """The service's state: users, one-time tokens, sessions and refresh tokens."""

    def __init__(self) -> None:
        self.secret = secrets.token_urlsafe(32)
        self.anon_key = self._key("anon")
        self.service_role_key = self._key("service_role")
        self.base_url = ""  # set when served: the links in mails point here
        self.site_url = "http://localhost:3000"  # where a link without redirect_to lands
        self.users: dict[str, User] = {}
        self.tokens: dict[str, OneTimeToken] = {}  # by sha256 of the token in the link
        self.sessions: dict[str, Session] = {}
        self.refresh: dict[str, tuple[str, float | None]] = {}  # token → (session, used at)
        self.outbox: list[Mail] = []
        self.leaked: set[str] = set()  # passwords refused as "pwned" (HaveIBeenPwned check)
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        """No users, and the project's settings back to their defaults (tests change them)."""
        with self.lock:
            for table in (self.users, self.tokens, self.sessions, self.refresh):
                table.clear()
            self.outbox.clear()
            self.leaked.clear()
            self.access_ttl = 3600  # seconds an access token lives
            self.otp_ttl = 3600  # seconds a mailed link lives
            self.reuse_interval = 10.0  # seconds a used refresh token still renews (GoTrue's)
            self.mail_interval = 0.0  # seconds one address waits between mails (429 sooner)
            self.skew = 0.0  # moves this server's clock (expire links without waiting)

    def now(self) -> float:
        return time.time() + self.skew

    def _key(self, role: str) -> str:
        claims = {"iss": "supabase-standin", "role": role, "iat": int(time.time())}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    # users and mail

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email), None)

    def mail(self, user: User, kind: str, redirect_to: str | None) -> None:
        now = self.now()
        wait = user.last_mail_at + self.mail_interval - now
        if wait > 0:
            raise AuthError(
                429,
                "over_email_send_rate_limit",
                f"For security purposes, you can only request this after {int(wait) + 1} seconds.",
            )
        user.last_mail_at = now
        token = secrets.token_hex(28)
        target = redirect_to or self.site_url
        self.tokens[_digest(token)] = OneTimeToken(user.id, kind, now, target)
        query = urlencode({"token": token, "type": kind, "redirect_to": target})
        self.outbox.append(Mail(user.email, kind, f"{self.base_url}/auth/v1/verify?{query}"))

    # sessions

    def start_session(self, user: User, method: str) -> dict[str, Any]:
        session = Session(str(uuid.uuid4()), user.id, method, self.now())
        self.sessions[session.id] = session
        return self.issue(session)

    def issue(self, session: Session) -> dict[str, Any]:
        user = self.users[session.user_id]
        now = int(self.now())
        claims = {
            "iss": f"{self.base_url}/auth/v1",
            "sub": user.id,
            "aud": "authenticated",
            "exp": now + self.access_ttl,
            "iat": now,
            "email": user.email,
            "role": "authenticated",
            "session_id": session.id,
            "amr": [{"method": session.method, "timestamp": int(session.started_at)}],
        }
        refresh_token = secrets.token_urlsafe(12)
        session.refresh_tokens.add(refresh_token)
        self.refresh[refresh_token] = (session.id, None)
        return {
            "access_token": jwt.encode(claims, self.secret, algorithm="HS256"),
            "token_type": "bearer",
            "expires_in": self.access_ttl,
            "expires_at": now + self.access_ttl,
            "refresh_token": refresh_token,
            "user": self.user_json(user),
        }

    def end_session(self, session_id: str) -> None:
        session = self.sessions.pop(session_id, None)
        for token in session.refresh_tokens if session else ():
            self.refresh.pop(token, None)

    def rotate(self, refresh_token: str) -> dict[str, Any]:
        session_id, used_at = self.refresh.get(refresh_token, ("", None))
        session = self.sessions.get(session_id)
        if session is None:
            raise AuthError(
                400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"
            )
        if used_at is not None and used_at + self.reuse_interval < self.now():
            # Replayed after the grace period (two tabs renewing at once are within it):
            # taken as stolen, and the whole session is revoked.
            self.end_session(session_id)
            raise AuthError(
                400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"
            )
        if used_at is None:
            self.refresh[refresh_token] = (session_id, self.now())
        return self.issue(session)

    def bearer(self, *, role: str = "authenticated") -> dict[str, Any]:
        """The verified claims of the request's Bearer token."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise AuthError(401, "no_authorization", "This endpoint requires a Bearer token")
        try:
            claims: dict[str, Any] = jwt.decode(
                header.removeprefix("Bearer "),
                self.secret,
                algorithms=["HS256"],
                options={"verify_exp": False, "verify_iat": False, "verify_aud": False},
            )
        except jwt.InvalidTokenError:
            raise AuthError(
                403, "bad_jwt", "invalid JWT: unable to parse or verify signature"
            ) from None
        if claims.get("role") != role:
            raise AuthError(403, "not_admin", "User not allowed")
        if "exp" in claims and claims["exp"] <= self.now():
            raise AuthError(
                403, "bad_jwt", "invalid JWT: token has invalid claims: token is expired"
            )
        return claims

    def current_user(self) -> tuple[User, str]:
        claims = self.bearer()
        user = self.users.get(claims.get("sub", ""))
        if user is None:
            raise AuthError(403, "user_not_found", "User from sub claim in JWT does not exist")
        if claims.get("session_id") not in self.sessions:
            raise AuthError(
                403, "session_not_found", "Session from session_id claim in JWT does not exist"
            )
        return user, claims["session_id"]

    def user_json(self, user: User, *, fake: bool = False) -> dict[str, Any]:
        identity = {
            "identity_id": str(uuid.uuid4()),
            "id": user.id,
            "user_id": user.id,
            "identity_data": {"email": user.email, "sub": user.id},
            "provider": "email",
            "created_at": _iso(user.created_at),
        }
        return {
            "id": str(uuid.uuid4()) if fake else user.id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": user.email,
            "email_confirmed_at": _iso(user.confirmed_at) if user.confirmed_at else None,
            "phone": "",
            "confirmation_sent_at": _iso(user.last_mail_at) if user.last_mail_at > 0 else None,
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "identities": [] if fake else [identity],
            "created_at": _iso(user.created_at),
            "updated_at": _iso(self.now()),
            "is_anonymous": False,
        }


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
    return f"{salt}${digest}"


def _password_matches(password: str, stored: str) -> bool:
    salt = stored.split("$", 1)[0]
    return secrets.compare_digest(_hash_password(password, salt), stored)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def _check_password(password: str, leaked: set[str]) -> None:
    reasons = []
    if len(password) < MIN_PASSWORD:
        reasons.append("length")
    if password in leaked:
        reasons.append("pwned")
    if reasons:
        raise AuthError(
            422,
            "weak_password",
            f"Password should be at least {MIN_PASSWORD} characters."
            if "length" in reasons
            else "Password is known to be weak and easy to guess, please choose a different one.",
            weak_password={"reasons": reasons},
        )


def _check_email(email: Any) -> str:
    if not isinstance(email, str) or email.count("@") != 1 or "." not in email.split("@")[1]:
        raise AuthError(
            400, "validation_failed", "Unable to validate email address: invalid format"
        )
    return email.strip().lower()


def create_app(state: GoTrue) -> Flask:
    app = Flask("supabase-standin")

    @app.errorhandler(AuthError)
    def auth_error(error: AuthError) -> Response:
        response = jsonify({"code": error.code, "message": error.message, **error.extra})
        response.status_code = error.status
        response.headers["x-sb-error-code"] = error.code
        return response

    @app.before_request
    def api_key() -> None:
        if request.path == "/auth/v1/verify":  # followed from an email: no key
            return
        if request.headers.get("apikey") not in {state.anon_key, state.service_role_key}:
            raise AuthError(401, "no_api_key", "No API key found in request")

    @app.after_request
    def version(response: Response) -> Response:
        response.headers["X-Supabase-Api-Version"] = API_VERSION
        return response

    @app.post("/auth/v1/signup")
    def signup() -> Any:
        body = request.get_json(silent=True) or {}
        email = _check_email(body.get("email"))
        password = str(body.get("password") or "")
        _check_password(password, state.leaked)
        redirect_to = request.args.get("redirect_to")
        with state.lock:
            user = state.by_email(email)
            if user is not None:
                # Never tell whether the email is taken; an unconfirmed account gets its
                # link again, but its password is not changed by someone unproven.
                if user.confirmed_at is None:
                    state.mail(user, "signup", redirect_to)
                return state.user_json(user, fake=True)
            now = state.now()
            user = User(str(uuid.uuid4()), email, _hash_password(password), now)
            state.users[user.id] = user
            state.mail(user, "signup", redirect_to)
            return state.user_json(user)

    @app.post("/auth/v1/resend")
    def resend() -> Any:
        body = request.get_json(silent=True) or {}
        if body.get("type") != "signup":
            raise AuthError(400, "validation_failed", "Missing one of these types: signup")
        email = _check_email(body.get("email"))
        with state.lock:
            user = state.by_email(email)
            if user is not None and user.confirmed_at is None:
                state.mail(user, "signup", request.args.get("redirect_to"))
        return {}

    @app.post("/auth/v1/recover")
    def recover() -> Any:
        body = request.get_json(silent=True) or {}
        email = _check_email(body.get("email"))
        with state.lock:
            user = state.by_email(email)
            if user is not None:
                state.mail(user, "recovery", request.args.get("redirect_to"))
        return {}

    @app.get("/auth/v1/verify")
    def verify() -> Response:
        token, kind = request.args.get("token", ""), request.args.get("type", "")
        with state.lock:
            found = state.tokens.pop(_digest(token), None)
            target = request.args.get("redirect_to") or (found and found.redirect_to)
            target = target or state.site_url
            user = state.users.get(found.user_id) if found else None
            if (
                found is None
                or user is None
                or found.kind != kind
                or found.created_at + state.otp_ttl < state.now()
            ):
                fragment = urlencode(
                    {
                        "error": "access_denied",
                        "error_code": "otp_expired",
                        "error_description": "Email link is invalid or has expired",
                    }
                )
                return redirect(f"{target}#{fragment}", 303)
            user.confirmed_at = user.confirmed_at or state.now()
            session = state.start_session(user, "otp")
        fragment = urlencode(
            {
                "access_token": session["access_token"],
                "expires_at": session["expires_at"],
                "expires_in": session["expires_in"],
                "refresh_token": session["refresh_token"],
                "token_type": "bearer",
                "type": kind,
            }
        )
        return redirect(f"{target}#{fragment}", 303)

    @app.post("/auth/v1/token")
    def token() -> Any:
        body = request.get_json(silent=True) or {}
        grant = request.args.get("grant_type")
        with state.lock:
            if grant == "password":
                user = state.by_email(str(body.get("email") or "").strip().lower())
                if user is None or not _password_matches(
                    str(body.get("password") or ""), user.password_hash
                ):
                    raise AuthError(400, "invalid_credentials", "Invalid login credentials")
                if user.confirmed_at is None:
                    raise AuthError(400, "email_not_confirmed", "Email not confirmed")
                return state.start_session(user, "password")
            if grant == "refresh_token":
                return state.rotate(str(body.get("refresh_token") or ""))
        raise AuthError(400, "validation_failed", "unsupported_grant_type")

    @app.get("/auth/v1/user")
    def get_user() -> Any:
        with state.lock:
            user, _ = state.current_user()
            return state.user_json(user)

    @app.put("/auth/v1/user")
    def update_user() -> Any:
        body = request.get_json(silent=True) or {}
        with state.lock:
            user, session_id = state.current_user()
            if "password" in body:
                password = str(body["password"] or "")
                _check_password(password, state.leaked)
                if _password_matches(password, user.password_hash):
                    raise AuthError(
                        422,
                        "same_password",
                        "New password should be different from the old password.",
                    )
                user.password_hash = _hash_password(password)
                # A new password signs out every other session of the user.
                for other in [s.id for s in state.sessions.values() if s.user_id == user.id]:
                    if other != session_id:
                        state.end_session(other)
            return state.user_json(user)

    @app.post("/auth/v1/logout")
    def logout() -> Response:
        scope = request.args.get("scope", "global")
        with state.lock:
            user, session_id = state.current_user()
            if scope == "local":
                doomed = [session_id]
            else:
                doomed = [s.id for s in state.sessions.values() if s.user_id == user.id]
                if scope == "others":
                    doomed.remove(session_id)
            for one in doomed:
                state.end_session(one)
        return Response(status=204)

    @app.delete("/auth/v1/admin/users/<user_id>")
    def delete_user(user_id: str) -> Any:
        state.bearer(role="service_role")
        with state.lock:
            user = state.users.pop(user_id, None)
            if user is None:
                raise AuthError(404, "user_not_found", "User not found")
            for session in [s for s in state.sessions.values() if s.user_id == user_id]:
                state.end_session(session.id)
            return state.user_json(user)

    return app


class SupabaseStandIn(StandIn):
    """The server and its state: ``gotrue`` (users, sessions, the outbox)."""

    def __init__(self) -> None:
        self.gotrue = GoTrue()
        super().__init__(create_app(self.gotrue))

    def start(self) -> SupabaseStandIn:
        super().start()
        self.gotrue.base_url = self.url
        return self

    def reset(self) -> None:
        super().reset()
        self.gotrue.clear()

    @property
    def outbox(self) -> list[Mail]:
        return self.gotrue.outbox


def serve() -> SupabaseStandIn:
    return SupabaseStandIn().start()
