"""Local accounts, the embedded default: users in the app database (SQLite or PostgreSQL),
passwords hashed with argon2id, and signed, expiring, single-use links for verification and
password resets.

A link is single-use because it is bound to the state it changes: a verification link to an
unverified account, a reset link to the password hash it replaces. Sessions carry the
account's epoch, which a password change moves on: every other session of the account ends.

Nobody can prepare an account for someone else's address (pre-hijacking): signing up again
for an unverified address changes nothing, and confirming an address needs the password the
account was signed up with, so following the link never activates a password the person
confirming did not choose. Someone who finds an address already signed up by another resets
the password instead, which proves the address and sets their own.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from emotionpix.auth.base import (
    Credentials,
    EmailNotVerified,
    Identity,
    InvalidCredentials,
    InvalidEmail,
    InvalidLink,
    WrongSignUpPassword,
)
from emotionpix.auth.mail import Mailer
from emotionpix.auth.policy import check_password, normalise_email
from emotionpix.core.i18n import gettext
from emotionpix.db import metadata

# argon2id parameters by name (EMOTIONPIX_PASSWORD_HASHING).
HASHING = {
    "low-memory": profiles.RFC_9106_LOW_MEMORY,
    "high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest": profiles.CHEAPEST,  # the test suite's: hashing is not what it tests
}

VERIFY_FOR = 2 * 86400  # seconds a verification link works
RESET_FOR = 3600  # seconds a password-reset link works

local_users = Table(
    "local_users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("verified_at", Float, nullable=True),
    Column("epoch", Integer, nullable=False, default=0),
)


class LocalBackend:
    """Accounts kept in the app's own database."""

    name = "local"
    deletes_remote_account = True  # nothing of the account remains anywhere after delete()
    confirms_with_password = True  # the confirmation page asks for the sign-up password

    def __init__(
        self,
        engine: Engine,
        mailer: Mailer,
        secret: str,
        *,
        clock: Callable[[], float] = time.time,
        hashing: str = "low-memory",
    ) -> None:
        self.engine = engine
        self.mailer = mailer
        self.clock = clock
        self.hasher = PasswordHasher.from_parameters(HASHING[hashing])
        self._links = URLSafeSerializer(secret, salt="emotionpix.auth.local")
        # Verifying this costs what checking a real password costs: an unknown email
        # answers no faster than a wrong password.
        self._decoy = self.hasher.hash(uuid.uuid4().hex)

    # -- sign-up and verification ------------------------------------------------------

    def sign_up(self, email: str, password: str, *, confirm_url: str) -> None:
        email = normalise_email(email)
        check_password(password, email=email)
        password_hash = self.hasher.hash(password)
        user = self._by_email(email)
        if user is None:
            row = {
                "id": str(uuid.uuid4()),
                "email": email,
                "password_hash": password_hash,
                "created_at": self.clock(),
                "verified_at": None,
                "epoch": 0,
            }
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(local_users).values(**row))
            except IntegrityError:  # signed up twice at once: the first one stands
                user = self._by_email(email)
            else:
                self._mail_verification(row, confirm_url)
                return
        if user is not None:
            self._mail_existing(user, confirm_url)

    def resend(self, email: str, *, confirm_url: str) -> None:
        try:
            user = self._by_email(normalise_email(email))
        except InvalidEmail:  # an address that cannot exist has no account: same answer
            return
        if user is not None and user["verified_at"] is None:
            self._mail_verification(user, confirm_url)

    def confirm(self, proof: Mapping[str, str], password: str | None = None) -> Credentials:
        """Verify the address of a link's account, given the password it was signed up
        with (``WrongSignUpPassword`` otherwise: the link stays usable)."""
        user = self._from_link(proof, "verify", VERIFY_FOR)
        if password is None or not self._verify(user["password_hash"], password):
            raise WrongSignUpPassword()
        with self.engine.begin() as conn:
            conn.execute(
                update(local_users)
                .where(local_users.c.id == user["id"], local_users.c.verified_at.is_(None))
                .values(verified_at=self.clock())
            )
        return self._credentials({**user, "verified_at": self.clock()})

    # -- sessions --------------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> Credentials:
        try:
            user = self._by_email(normalise_email(email))
        except InvalidEmail:  # (a database outage is not "wrong password": it raises)
            user = None
        if user is None:
            self._verify(self._decoy, password)
            raise InvalidCredentials()
        if not self._verify(user["password_hash"], password):
            raise InvalidCredentials()
        if user["verified_at"] is None:
            raise EmailNotVerified()
        if self.hasher.check_needs_rehash(user["password_hash"]):
            self._set_password(user["id"], password, new_epoch=False)
        return self._credentials(user)

    def current(self, credentials: Credentials) -> Credentials | None:
        """The account as it is now (its email read from the database, not from the
        cookie), or None when the session's epoch has passed."""
        user = self._by_id(credentials.identity.user_id)
        if user is None or user["verified_at"] is None:
            return None
        if credentials.tokens.get("epoch") != user["epoch"]:
            return None
        return Credentials(self._credentials(user).identity, credentials.tokens)

    def link_email(self, proof: Mapping[str, str]) -> str | None:
        """The address a verification link would confirm (shown on the confirmation page,
        so nobody confirms an account they do not recognise), or None for a bad link."""
        try:
            return str(self._from_link(proof, "verify", VERIFY_FOR)["email"])
        except InvalidLink:
            return None

    def record(self, user_id: str) -> dict[str, Any]:
        """When the account was made and its address verified (for the owner's export)."""
        user = self._by_id(user_id)
        if user is None:
            return {}
        return {"created_at": user["created_at"], "verified_at": user["verified_at"]}

    def sign_out(self, credentials: Credentials) -> None:
        """Nothing to end here: the session lives in the (signed) cookie the views clear.
        ``sign_out_everywhere`` ends every session of the account."""

    def sign_out_everywhere(self, credentials: Credentials) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(local_users)
                .where(local_users.c.id == credentials.identity.user_id)
                .values(epoch=local_users.c.epoch + 1)
            )

    # -- passwords -------------------------------------------------------------------------

    def request_reset(self, email: str, *, reset_url: str) -> None:
        try:
            user = self._by_email(normalise_email(email))
        except InvalidEmail:  # (a database outage is not "wrong password": it raises)
            return
        if user is None:
            return
        link = self._link(user, "reset", reset_url)
        self.mailer.send(
            user["email"],
            gettext("Reset your EmotionPix password"),
            gettext(
                "Someone (hopefully you) asked to reset the password of your EmotionPix account.\n"
                "Choose a new one here (the link works for an hour, once):\n\n%(link)s\n\n"
                "If it wasn't you, ignore this email: your password stays as it is.",
                link=link,
            ),
        )

    def reset_password(self, proof: Mapping[str, str], password: str) -> Credentials:
        user = self._from_link(proof, "reset", RESET_FOR)
        check_password(password, email=user["email"])
        # Following the link proves the address too.
        user = self._set_password(user["id"], password, new_epoch=True, verify=True)
        return self._credentials(user)

    def change_password(self, credentials: Credentials, current: str, password: str) -> Credentials:
        user = self._by_id(credentials.identity.user_id)
        if user is None or not self._verify(user["password_hash"], current):
            raise InvalidCredentials(gettext("Your current password is not right."))
        check_password(password, email=user["email"])
        return self._credentials(self._set_password(user["id"], password, new_epoch=True))

    def delete(self, credentials: Credentials) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(local_users).where(local_users.c.id == credentials.identity.user_id)
            )

    # -- administration (the command line) -------------------------------------------------

    def create_user(self, email: str, password: str, *, verified: bool) -> Identity:
        """An account made by an operator: no email is sent."""
        email = normalise_email(email)
        check_password(password, email=email)
        row = {
            "id": str(uuid.uuid4()),
            "email": email,
            "password_hash": self.hasher.hash(password),
            "created_at": self.clock(),
            "verified_at": self.clock() if verified else None,
            "epoch": 0,
        }
        with self.engine.begin() as conn:
            conn.execute(insert(local_users).values(**row))
        return Identity(str(row["id"]), email, verified)

    def find(self, email: str) -> Identity | None:
        user = self._by_email(normalise_email(email))
        return None if user is None else self._credentials(user).identity

    def users(self) -> list[dict[str, Any]]:
        """Every account: email, created and verified times (never the hash)."""
        columns = (local_users.c.email, local_users.c.created_at, local_users.c.verified_at)
        with self.engine.connect() as conn:
            rows = conn.execute(select(*columns).order_by(local_users.c.created_at))
            return [dict(row._mapping) for row in rows]

    # -- helpers -----------------------------------------------------------------------------

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _set_password(
        self, user_id: str, password: str, *, new_epoch: bool, verify: bool = False
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"password_hash": self.hasher.hash(password)}
        if new_epoch:
            values["epoch"] = local_users.c.epoch + 1
        with self.engine.begin() as conn:
            conn.execute(update(local_users).where(local_users.c.id == user_id).values(**values))
            if verify:
                conn.execute(
                    update(local_users)
                    .where(local_users.c.id == user_id, local_users.c.verified_at.is_(None))
                    .values(verified_at=self.clock())
                )
        user = self._by_id(user_id)
        if user is None:  # deleted meanwhile
            raise InvalidLink()
        return user

    def _credentials(self, user: Mapping[str, Any]) -> Credentials:
        identity = Identity(user["id"], user["email"], user["verified_at"] is not None)
        return Credentials(identity, {"epoch": user["epoch"]})

    def _by_email(self, email: str) -> dict[str, Any] | None:
        return self._one(local_users.c.email == email)

    def _by_id(self, user_id: str) -> dict[str, Any] | None:
        return self._one(local_users.c.id == user_id)

    def _one(self, condition: Any) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(local_users).where(condition)).first()
        return None if row is None else dict(row._mapping)

    # -- links -------------------------------------------------------------------------------

    def _state(self, user: Mapping[str, Any], purpose: str) -> str:
        """What a link is bound to: using the link changes it, so the link works once."""
        if purpose == "verify":
            return "unverified" if user["verified_at"] is None else "verified"
        return hashlib.sha256(user["password_hash"].encode()).hexdigest()[:16]

    def _link(self, user: Mapping[str, Any], purpose: str, url: str) -> str:
        token = self._links.dumps(
            {"u": user["id"], "p": purpose, "s": self._state(user, purpose), "t": self.clock()}
        )
        return f"{url}{'&' if '?' in url else '?'}{urlencode({'token': token})}"

    def _from_link(self, proof: Mapping[str, str], purpose: str, lifetime: float) -> dict[str, Any]:
        try:
            data = self._links.loads(proof.get("token", ""))
        except BadSignature:
            raise InvalidLink() from None
        if not isinstance(data, dict) or data.get("p") != purpose:
            raise InvalidLink()
        issued = data.get("t")
        if not isinstance(issued, int | float) or not 0 <= self.clock() - issued <= lifetime:
            raise InvalidLink()
        user = self._by_id(str(data.get("u")))
        if user is None or data.get("s") != self._state(user, purpose):
            raise InvalidLink()
        return user

    def _mail_verification(self, user: Mapping[str, Any], confirm_url: str) -> None:
        link = self._link(user, "verify", confirm_url)
        self.mailer.send(
            user["email"],
            gettext("Confirm your EmotionPix account"),
            gettext(
                "Welcome to EmotionPix! Confirm your email address to finish signing up "
                "(the link works for two days, once):\n\n%(link)s\n\n"
                "If you did not sign up, ignore this email: no account is made without it.",
                link=link,
            ),
        )

    def _mail_existing(self, user: Mapping[str, Any], confirm_url: str) -> None:
        if user["verified_at"] is None:
            self._mail_verification(user, confirm_url)
            return
        self.mailer.send(
            user["email"],
            gettext("You already have an EmotionPix account"),
            gettext(
                "Someone (hopefully you) tried to sign up with this address, which already has "
                "an account. Sign in, or reset your password if you have forgotten it. "
                "If it wasn't you, ignore this email."
            ),
        )
