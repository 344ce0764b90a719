"""Accounts kept by Supabase Auth (GoTrue), through supabase-py.

Every call builds its own supabase-py client, so a session never leaks from one user to
another; the clients share one pool of HTTP connections (building a client is then ~0.7 ms
instead of ~55 ms, most of which is a new TLS context). The pool keeps no cookies, for the
same reason. The email and password are checked by the app's own policy before Supabase
sees them, so both backends answer with the same messages.

Supabase mails its own links. A confirmation or recovery link goes to Supabase's
``/verify``, which redirects to our page with the session in the URL *fragment*
(``#access_token=…&refresh_token=…``): only the browser sees it, so the page posts it back
and that is the ``proof`` here.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar

import httpx

try:
    from supabase import Client, ClientOptions, create_client
    from supabase_auth.errors import AuthError as SupabaseError
    from supabase_auth.errors import (
        AuthRetryableError,
        AuthUnknownError,
        AuthWeakPasswordError,
    )
    from supabase_auth.types import Session, User
except ImportError as exc:  # an optional dependency: say how to get it
    raise ImportError(
        "Supabase accounts need supabase-py: pip install 'emotionpix[supabase]'"
    ) from exc

from emotionpix.auth.base import (
    AuthError,
    AuthUnavailable,
    Credentials,
    EmailNotVerified,
    Identity,
    InvalidCredentials,
    InvalidEmail,
    InvalidLink,
    TooManyRequests,
    WeakPassword,
)
from emotionpix.auth.policy import check_password, normalise_email
from emotionpix.core.i18n import gettext

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Supabase's reasons for a weak password, in plain words.
WEAK_REASONS = {
    "length": "it is too short",
    "characters": "it needs more kinds of characters (lower and upper case, digits, symbols)",
    "pwned": "it has appeared in a data breach, so attackers try it first",
}
RATE_LIMITED = {"over_email_send_rate_limit", "over_request_rate_limit"}


class SupabaseBackend:
    """The AuthBackend for a Supabase project (``SUPABASE_URL``, ``SUPABASE_ANON_KEY``).

    With ``service_role_key`` (``SUPABASE_SERVICE_ROLE_KEY``; keep it on the server) an
    account removal removes the Supabase user too; without it, only the session ends and
    ``deletes_remote_account`` is False so the page can say that the login remains.
    """

    name = "supabase"

    def __init__(
        self,
        url: str,
        anon_key: str,
        *,
        service_role_key: str | None = None,
        timeout: float = 5.0,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url.rstrip("/")
        self._anon_key = anon_key
        self._service_role_key = service_role_key
        self.deletes_remote_account = bool(service_role_key)
        self._refresh_margin = refresh_margin  # renew a little early: a request takes time
        self._clock = clock
        self._http = httpx.Client(
            timeout=timeout, cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[]))
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SupabaseBackend:
        """The backend for the app's ``SUPABASE_*`` settings."""
        return cls(
            config["SUPABASE_URL"],
            config["SUPABASE_ANON_KEY"],
            service_role_key=config.get("SUPABASE_SERVICE_ROLE_KEY") or None,
            timeout=float(config.get("SUPABASE_TIMEOUT") or 5.0),
        )

    def close(self) -> None:
        self._http.close()

    # the AuthBackend protocol (documented on it)

    def sign_up(self, email: str, password: str, *, confirm_url: str) -> None:
        email = normalise_email(email)
        check_password(password, email=email)
        # An email that already has an account gets the same answer (Supabase returns an
        # obfuscated user), so the result is not looked at.
        self._call(
            lambda auth: auth.sign_up(
                {
                    "email": email,
                    "password": password,
                    "options": {"email_redirect_to": confirm_url},
                }
            )
        )

    def resend(self, email: str, *, confirm_url: str) -> None:
        email = normalise_email(email)
        self._call(
            lambda auth: auth.resend(
                {"type": "signup", "email": email, "options": {"email_redirect_to": confirm_url}}
            )
        )

    def confirm(self, proof: Mapping[str, str], password: str | None = None) -> Credentials:
        """Supabase checked the link before it redirected here (the password is not asked
        for: Supabase keeps it)."""
        access_token, refresh_token = _link_tokens(proof)
        try:
            user = self._call(lambda auth: auth.get_user(access_token))
        except (AuthUnavailable, TooManyRequests):
            raise
        except AuthError:
            raise InvalidLink() from None
        if user is None:
            raise InvalidLink()
        identity = _identity(user.user)
        if not identity.verified:
            raise InvalidLink()
        return Credentials(
            identity,
            {
                "access_token": access_token,
                "refresh_token": refresh_token,
                "expires_at": _expiry(access_token),
            },
        )

    def sign_in(self, email: str, password: str) -> Credentials:
        try:
            email = normalise_email(email)
        except InvalidEmail:
            raise InvalidCredentials() from None
        if not password:
            raise InvalidCredentials()
        response = self._call(
            lambda auth: auth.sign_in_with_password({"email": email, "password": password})
        )
        return _credentials(response.session)

    def current(self, credentials: Credentials) -> Credentials | None:
        """As documented on the protocol; an outage while renewing raises AuthUnavailable
        (the session may still be good), a refused renewal is None."""
        expires_at = int(credentials.tokens.get("expires_at", 0))
        if self._clock() + self._refresh_margin < expires_at:
            # Who it is comes from the token Supabase issued (the cookie keeps no email);
            # Supabase issues sessions to confirmed addresses only.
            email = _claims(str(credentials.tokens.get("access_token", ""))).get("email")
            identity = Identity(credentials.identity.user_id, str(email or ""), True)
            return Credentials(identity, credentials.tokens)
        refresh_token = str(credentials.tokens.get("refresh_token", ""))
        if not refresh_token:
            return None
        try:
            response = self._call(lambda auth: auth.refresh_session(refresh_token))
        except (AuthUnavailable, TooManyRequests):
            raise
        except AuthError:  # revoked, already used (rotation), or the user is gone
            return None
        return _credentials(response.session)

    def sign_out(self, credentials: Credentials) -> None:
        try:
            fresh = self.current(credentials)  # an expired token cannot sign out
            if fresh is not None:
                token = str(fresh.tokens["access_token"])
                self._call(lambda auth: auth.admin.sign_out(token, "local"))
        except AuthUnavailable:
            log.warning("Supabase could not be reached to end a session; it ends at expiry")
        except AuthError:
            pass  # already signed out there

    def request_reset(self, email: str, *, reset_url: str) -> None:
        email = normalise_email(email)
        self._call(lambda auth: auth.reset_password_for_email(email, {"redirect_to": reset_url}))

    def reset_password(self, proof: Mapping[str, str], password: str) -> Credentials:
        credentials = self.confirm(proof)
        if proof.get("type", "recovery") != "recovery" or "password" in _methods(
            str(credentials.tokens["access_token"])
        ):
            raise InvalidLink()  # only a session begun by the mailed link proves the email
        check_password(password, email=credentials.identity.email)
        return self._set_password(credentials, password)

    def change_password(self, credentials: Credentials, current: str, password: str) -> Credentials:
        check_password(password, email=credentials.identity.email)
        try:
            fresh = self.sign_in(credentials.identity.email, current)
        except InvalidCredentials:
            raise InvalidCredentials(gettext("Your current password is not right.")) from None
        try:
            return self._set_password(fresh, password)
        except AuthError:
            self.sign_out(fresh)  # no session left behind by a refused change
            raise

    def delete(self, credentials: Credentials) -> None:
        if not self._service_role_key:
            self.sign_out(credentials)
            return
        user_id = credentials.identity.user_id
        try:
            self._call(lambda auth: auth.admin.delete_user(user_id), key=self._service_role_key)
        except AuthUnavailable:
            raise
        except AuthError as exc:
            if exc.remote_status != 404:  # a user already gone is what was asked for
                raise

    # one choke point for every call to Supabase

    def _call(self, action: Callable[[Any], T], *, key: str | None = None) -> T:
        """Run ``action`` with a new client's auth API; Supabase's errors become ours."""
        try:
            return action(self._client(key or self._anon_key).auth)
        except SupabaseError as exc:
            raise _translate(exc) from None
        except ValueError:  # an answer that is not what GoTrue sends (a proxy's error page)
            log.warning("Supabase Auth sent an answer that could not be read")
            raise AuthUnavailable() from None

    def _client(self, key: str) -> Client:
        options = ClientOptions(
            auto_refresh_token=False, persist_session=False, httpx_client=self._http
        )
        return create_client(self.url, key, options=options)

    def _set_password(self, credentials: Credentials, password: str) -> Credentials:
        """Set the password within ``credentials``' session, then end the user's other
        sessions (as a local password change does)."""
        tokens = credentials.tokens
        client = self._client(self._anon_key)
        try:
            response = client.auth.set_session(
                str(tokens["access_token"]), str(tokens["refresh_token"])
            )
            client.auth.update_user({"password": password})
            session = response.session
            if session is not None:
                client.auth.admin.sign_out(session.access_token, "others")
        except SupabaseError as exc:
            raise _translate(exc) from None
        except ValueError:
            raise AuthUnavailable() from None
        return _credentials(session)


def _translate(exc: SupabaseError) -> AuthError:
    """Our error for one of supabase-py's (its message for the person, never a token)."""
    status = getattr(exc, "status", 0) or 0
    code = exc.code
    if isinstance(exc, AuthWeakPasswordError) or code == "weak_password":
        reasons = [WEAK_REASONS.get(r, r) for r in getattr(exc, "reasons", None) or []]
        detail = "; ".join(reasons) or exc.message.rstrip(".")
        return WeakPassword(gettext("Choose a stronger password: %(detail)s.", detail=detail))
    if code in RATE_LIMITED or status == 429:
        return TooManyRequests()
    if isinstance(exc, AuthRetryableError | AuthUnknownError) or status >= 500:
        log.warning("Supabase Auth unavailable: %s %s", status, type(exc).__name__)
        return AuthUnavailable()
    if code == "invalid_credentials":
        return InvalidCredentials()
    if code == "email_not_confirmed":
        return EmailNotVerified()
    if code in {"validation_failed", "email_address_invalid"}:
        return InvalidEmail(
            gettext("That email address does not look right: %(reason)s", reason=exc.message)
        )
    if code == "same_password":
        return AuthError(gettext("Choose a password different from your current one."), code=code)
    if code == "otp_expired":
        return InvalidLink()
    message = exc.message or "Your account request was refused."
    return AuthError(message, code=code, remote_status=status or None)


def _link_tokens(proof: Mapping[str, str]) -> tuple[str, str]:
    """The session a link's fragment carries, or InvalidLink (Supabase's own error, an
    expired or used link, arrives as ``error_code``)."""
    if proof.get("error_code") or proof.get("error"):
        raise InvalidLink()
    access_token, refresh_token = proof.get("access_token"), proof.get("refresh_token")
    if not access_token or not refresh_token:
        raise InvalidLink()
    return access_token, refresh_token


def _identity(user: User) -> Identity:
    return Identity(user.id, user.email or "", user.email_confirmed_at is not None)


def _credentials(session: Session | None) -> Credentials:
    if session is None or session.user is None:  # not with email confirmation on
        raise EmailNotVerified()
    return Credentials(
        _identity(session.user),
        {
            "access_token": session.access_token,
            "refresh_token": session.refresh_token,
            "expires_at": session.expires_at or _expiry(session.access_token),
        },
    )


def _claims(token: str) -> dict[str, Any]:
    """The claims of a JWT *without* checking its signature: only for a token Supabase has
    just accepted or issued."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _expiry(token: str) -> int:
    exp = _claims(token).get("exp")
    return int(exp) if isinstance(exp, int | float) else 0


def _methods(token: str) -> set[str]:
    """How the session began (the ``amr`` claim: "password", or "otp" for a mailed link)."""
    amr = _claims(token).get("amr")
    entries = amr if isinstance(amr, list) else []
    return {str(e.get("method")) for e in entries if isinstance(e, dict)}
