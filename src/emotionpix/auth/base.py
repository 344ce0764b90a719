"""What every account backend does (local accounts in the app database, or Supabase Auth),
and the errors they raise, each with a message a person can act on.

A backend knows nothing of Flask: the views hand it plain values (an email, a password, the
URL its links must lead back to) and keep what it returns (``Credentials``) in the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from emotionpix.core.errors import AppError, Forbidden, Refused, ServiceUnavailable, TooMany
from emotionpix.core.i18n import gettext

# What a mailed link's proof may hold: a local link's token, or what Supabase puts in the
# fragment of the address its links redirect to (the page posts it back).
PROOF_FIELDS = (
    "token",
    "access_token",
    "refresh_token",
    "expires_at",
    "type",
    "error",
    "error_code",
    "error_description",
)


@dataclass(frozen=True)
class Identity:
    """Who is signed in: a stable id (personal data is keyed by it), the email, and whether
    the email is verified."""

    user_id: str
    email: str
    verified: bool


@dataclass(frozen=True)
class Credentials:
    """What a sign-in yields: the identity and the backend's own tokens, kept in the
    session cookie (local accounts: a session epoch; Supabase: access and refresh tokens)."""

    identity: Identity
    tokens: Mapping[str, str | int] = field(default_factory=dict)


class AuthBackend(Protocol):
    """Sign-up with email verification, sign-in, password reset, and account removal.

    Enumeration-safe: ``sign_up``, ``resend`` and ``request_reset`` answer the same whether
    or not the email has an account. "Proof" is what a link in an email carries back: a
    ``token`` (local) or the ``access_token``/``refresh_token`` pair Supabase appends to the
    link's fragment (the page posts it).
    """

    name: str

    def sign_up(self, email: str, password: str, *, confirm_url: str) -> None:
        """Register and mail a verification link that leads to ``confirm_url``."""

    def resend(self, email: str, *, confirm_url: str) -> None:
        """Mail the verification link again (nothing happens for unknown or verified emails)."""

    def confirm(self, proof: Mapping[str, str], password: str | None = None) -> Credentials:
        """Verify the email from a link's proof; signs the user in. Backends that keep the
        passwords (local) also need the password the account was signed up with."""

    def sign_in(self, email: str, password: str) -> Credentials:
        """Check the password; refuses an unverified email (``EmailNotVerified``)."""

    def current(self, credentials: Credentials) -> Credentials | None:
        """The session's credentials if still valid (renewed if the backend rotates them),
        None if they were revoked or expired."""

    def sign_out(self, credentials: Credentials) -> None:
        """End the session at the backend too (best effort)."""

    def request_reset(self, email: str, *, reset_url: str) -> None:
        """Mail a password-reset link leading to ``reset_url`` (if the email has an account)."""

    def reset_password(self, proof: Mapping[str, str], password: str) -> Credentials:
        """Set a new password from a reset link's proof; signs the user in."""

    def change_password(self, credentials: Credentials, current: str, password: str) -> Credentials:
        """Change the password of a signed-in user who knows the current one."""

    def delete(self, credentials: Credentials) -> None:
        """Remove the account at the backend (the app's own rows are removed by the caller)."""


class AuthError(AppError):
    """An account operation that cannot be done as asked. ``remote_status`` is the status
    an account service (Supabase) answered with, where one did."""

    code = "auth_error"

    def __init__(
        self, message: str, *, code: str | None = None, remote_status: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.remote_status = remote_status


class InvalidCredentials(AuthError, Refused):
    """Wrong email or password: one message for both, so nobody learns which emails exist."""

    code = "invalid_credentials"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("The email or the password is not right."))


class EmailNotVerified(AuthError, Forbidden):
    code = "email_not_verified"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or gettext(
                "Confirm your email first: open the link we sent you (or ask for a new one below)."
            )
        )


class InvalidLink(AuthError):
    """A verification or reset link that is malformed, expired or already used."""

    code = "invalid_link"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or gettext("This link has expired or was already used. Ask for a new one.")
        )


class WrongSignUpPassword(AuthError, Refused):
    """Confirming an address needs the password its account was signed up with."""

    code = "wrong_sign_up_password"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or gettext(
                "That is not the password this address was signed up with. Type the password you "
                "chose when you signed up. If you did not sign up before, someone else may have: "
                "reset the password to make the account yours."
            )
        )


class WeakPassword(AuthError):
    code = "weak_password"


class InvalidEmail(AuthError):
    code = "invalid_email"


class SignedOut(AuthError, Refused):
    """The action needs a signed-in user (401)."""

    code = "sign_in_required"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("Sign in to do this."))


class AuthUnavailable(AuthError, ServiceUnavailable):
    """The account service (Supabase, the mail server) cannot be reached (503)."""

    code = "auth_unavailable"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or gettext("Accounts are unavailable right now. Please try again shortly.")
        )


class TooManyRequests(AuthError, TooMany):
    """The backend itself refused for rate (Supabase's email limits)."""

    code = "too_many_requests"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("Too many attempts. Please wait a while."))
