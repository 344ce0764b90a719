"""The AuthBackend contract, run against every backend: local accounts in the app database,
and Supabase Auth through supabase-py against a local stand-in of GoTrue. A test reads the
mail a backend sent and follows its link as a browser would."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlalchemy import create_engine

from emotionpix.auth.base import (
    AuthError,
    Credentials,
    EmailNotVerified,
    InvalidCredentials,
    InvalidEmail,
    InvalidLink,
    WeakPassword,
)
from emotionpix.auth.local import LocalBackend
from emotionpix.db import create_tables
from emotionpix.errors import status_of
from tests.conftest import FakeClock

pytestmark = pytest.mark.integration

EMAIL = "viewer@example.com"
PASSWORD = "tangerine-velvet-harbour-92"
NEW_PASSWORD = "correct horse battery staple"
CONFIRM_URL = "http://app.example.org/auth/confirm"
RESET_URL = "http://app.example.org/auth/reset"
LONG = 40 * 24 * 3600  # longer than any link or session lives


@dataclass(frozen=True)
class Mail:
    to: str
    kind: str  # "signup" or "recovery"
    link: str


@dataclass
class Subject:
    """A backend and what the suite needs around it."""

    backend: Any
    mails: Callable[[], list[Mail]]
    #: Follow a mailed link as a browser does: the page it lands on, and the proof it carries.
    follow: Callable[[str], tuple[str, dict[str, str]]]
    #: Move time on (links and sessions age).
    advance: Callable[[float], None]
    #: How long a signed-in user is trusted without asking the backend again: Supabase's
    #: access tokens are only checked again when they are renewed.
    trusted_for: float
    #: Whether sign_out ends the session at the backend (the local backend keeps its
    #: sessions in the signed cookie, which the view clears).
    sign_out_ends_session: bool

    def mails_to(self, email: str, kind: str) -> list[Mail]:
        return [m for m in self.mails() if m.to == email and m.kind == kind]

    def proof(self, email: str = EMAIL, kind: str = "signup") -> dict[str, str]:
        """The proof in the latest link of ``kind`` mailed to ``email``."""
        return self.follow(self.mails_to(email, kind)[-1].link)[1]

    def later(self) -> None:
        """Past the time a session is trusted without asking the backend."""
        self.advance(self.trusted_for + 120)


class RecordingMailer:
    """A Mailer that keeps what it sends."""

    where = "the test's outbox"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def local_subject(tmp_path: Any) -> Iterator[Subject]:

    engine = create_engine(f"sqlite:///{tmp_path / 'accounts.db'}")
    create_tables(engine)
    mailer, clock = RecordingMailer(), FakeClock(time.time())
    backend = LocalBackend(
        engine, mailer, "contract-test-secret-1b7e", clock=clock, hashing="cheapest"
    )

    def mails() -> list[Mail]:
        found = []
        for to, _subject, body in mailer.sent:
            for link in re.findall(r"https?://\S+", body):
                kind = "signup" if link.startswith(CONFIRM_URL) else "recovery"
                found.append(Mail(to, kind, link))
        return found

    def follow(link: str) -> tuple[str, dict[str, str]]:
        parts = urlsplit(link)
        return f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query))

    yield Subject(backend, mails, follow, clock.advance, 0.0, sign_out_ends_session=False)
    engine.dispose()


def supabase_subject(api: Any) -> Iterator[Subject]:
    from emotionpix.auth.supabase import SupabaseBackend  # an optional dependency

    offset = [0.0]
    gotrue = api.gotrue
    backend = SupabaseBackend(
        api.url,
        gotrue.anon_key,
        service_role_key=gotrue.service_role_key,
        timeout=2.0,
        clock=lambda: time.time() + offset[0],
    )

    def mails() -> list[Mail]:
        return [Mail(m.email, m.kind, m.link) for m in gotrue.outbox]

    def follow(link: str) -> tuple[str, dict[str, str]]:
        answer = httpx.get(link, follow_redirects=False)  # the browser stops at our page
        assert answer.status_code == 303
        landing, _, fragment = answer.headers["location"].partition("#")
        return landing, dict(parse_qsl(fragment))

    def advance(seconds: float) -> None:
        offset[0] += seconds
        gotrue.skew += seconds

    yield Subject(backend, mails, follow, advance, gotrue.access_ttl, sign_out_ends_session=True)
    backend.close()


@pytest.fixture(params=["local", "supabase"])
def subject(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Subject]:
    if request.param == "local":
        yield from local_subject(tmp_path)
    else:
        yield from supabase_subject(request.getfixturevalue("supabase_api"))


@pytest.fixture
def backend(subject: Subject) -> Any:
    return subject.backend


def signed_up(subject: Subject, email: str = EMAIL) -> Credentials:
    """A verified account, signed in through its confirmation link."""
    subject.backend.sign_up(email, PASSWORD, confirm_url=CONFIRM_URL)
    credentials: Credentials = subject.backend.confirm(subject.proof(email), PASSWORD)
    return credentials


def test_sign_up_mails_a_link_that_verifies_and_signs_in(subject, backend):
    assert backend.name in {"local", "supabase"}
    backend.sign_up("  Viewer@Example.COM ", PASSWORD, confirm_url=CONFIRM_URL)
    [mail] = subject.mails()
    assert (mail.to, mail.kind) == (EMAIL, "signup")
    landing, proof = subject.follow(mail.link)
    assert landing == CONFIRM_URL
    credentials = backend.confirm(proof, PASSWORD)
    identity = credentials.identity
    assert (identity.email, identity.verified) == (EMAIL, True)
    assert identity.user_id
    again = backend.sign_in(EMAIL, PASSWORD)
    assert again.identity == identity
    assert backend.current(again).identity == identity


def test_sign_in_before_confirmation_is_refused(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    with pytest.raises(EmailNotVerified, match="Confirm your email first"):
        backend.sign_in(EMAIL, PASSWORD)


def test_wrong_password_and_unknown_email_read_the_same(subject, backend):
    signed_up(subject)
    with pytest.raises(InvalidCredentials) as wrong:
        backend.sign_in(EMAIL, NEW_PASSWORD)
    with pytest.raises(InvalidCredentials) as unknown:
        backend.sign_in("nobody@example.com", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == "The email or the password is not right."
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, "")


def test_signing_up_again_is_silent_and_keeps_the_password(subject, backend):
    first = signed_up(subject)
    backend.sign_up(EMAIL, NEW_PASSWORD, confirm_url=CONFIRM_URL)  # no error: no enumeration
    assert backend.sign_in(EMAIL, PASSWORD).identity == first.identity
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, NEW_PASSWORD)


def test_signing_up_again_before_confirming_keeps_the_first_password(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    backend.sign_up(EMAIL, NEW_PASSWORD, confirm_url=CONFIRM_URL)
    backend.confirm(subject.proof(), PASSWORD)
    backend.sign_in(EMAIL, PASSWORD)
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, NEW_PASSWORD)


def test_resend_mails_a_new_link_only_to_unverified_accounts(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    backend.resend(EMAIL, confirm_url=CONFIRM_URL)
    assert len(subject.mails_to(EMAIL, "signup")) == 2
    assert backend.confirm(subject.proof(), PASSWORD).identity.verified
    backend.resend(EMAIL, confirm_url=CONFIRM_URL)  # verified: nothing to send
    backend.resend("nobody@example.com", confirm_url=CONFIRM_URL)  # unknown: the same answer
    assert len(subject.mails()) == 2


@pytest.mark.parametrize(
    ("email", "password", "error", "message"),
    [
        (EMAIL, "short", WeakPassword, "Use at least 10 characters"),
        (EMAIL, "password1234", WeakPassword, "Choose a stronger password"),
        (EMAIL, "Viewer12345", WeakPassword, "Choose a stronger password"),
        ("not-an-email", PASSWORD, InvalidEmail, "That email address does not look right"),
        ("viewer@localhost", PASSWORD, InvalidEmail, "That email address does not look right"),
    ],
)
def test_sign_up_says_what_is_wrong(subject, backend, email, password, error, message):
    with pytest.raises(error, match=message):
        backend.sign_up(email, password, confirm_url=CONFIRM_URL)
    assert subject.mails() == []


def test_a_used_link_is_refused(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    link = subject.mails()[-1].link
    backend.confirm(subject.follow(link)[1], PASSWORD)
    with pytest.raises(InvalidLink):
        backend.confirm(subject.follow(link)[1], PASSWORD)


def test_an_expired_link_is_refused(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    subject.advance(LONG)
    with pytest.raises(InvalidLink, match="expired or was already used"):
        backend.confirm(subject.proof(), PASSWORD)
    with pytest.raises(EmailNotVerified):
        backend.sign_in(EMAIL, PASSWORD)


def test_forged_and_empty_proofs_are_refused(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    proof = subject.proof()
    forged = {key: value[:-6] + "A1b2C3" for key, value in proof.items()}
    for bad in (forged, {}, {"token": "x", "access_token": "x.y.z", "refresh_token": "r"}):
        with pytest.raises(InvalidLink):
            backend.confirm(bad, PASSWORD)
    assert backend.confirm(proof, PASSWORD).identity.verified  # the real one still works


def test_password_reset_by_mail(subject, backend):
    account = signed_up(subject)
    backend.request_reset(EMAIL, reset_url=RESET_URL)
    backend.request_reset("nobody@example.com", reset_url=RESET_URL)  # the same answer
    [mail] = subject.mails_to(EMAIL, "recovery")
    assert [m.to for m in subject.mails()].count("nobody@example.com") == 0
    landing, proof = subject.follow(mail.link)
    assert landing == RESET_URL
    with pytest.raises(WeakPassword):
        backend.reset_password(proof, "short")
    renewed = backend.reset_password(proof, NEW_PASSWORD)
    assert renewed.identity == account.identity
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, PASSWORD)
    assert backend.sign_in(EMAIL, NEW_PASSWORD).identity == account.identity
    with pytest.raises(InvalidLink):  # single use
        backend.reset_password(subject.follow(mail.link)[1], "another-fine-passphrase-77")


def test_reset_link_verifies_an_unverified_email(subject, backend):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    backend.request_reset(EMAIL, reset_url=RESET_URL)
    renewed = backend.reset_password(subject.proof(kind="recovery"), NEW_PASSWORD)
    assert renewed.identity.verified
    backend.sign_in(EMAIL, NEW_PASSWORD)


def test_change_password_needs_the_current_one(subject, backend):
    account = signed_up(subject)
    with pytest.raises(InvalidCredentials):
        backend.change_password(account, NEW_PASSWORD, "another-fine-passphrase-77")
    with pytest.raises(WeakPassword):
        backend.change_password(account, PASSWORD, "short")
    changed = backend.change_password(account, PASSWORD, NEW_PASSWORD)
    assert changed.identity == account.identity
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, PASSWORD)
    assert backend.sign_in(EMAIL, NEW_PASSWORD).identity == account.identity


def test_a_password_change_ends_the_other_sessions(subject, backend):
    account = signed_up(subject)
    elsewhere = backend.sign_in(EMAIL, PASSWORD)
    changed = backend.change_password(account, PASSWORD, NEW_PASSWORD)
    subject.later()
    assert backend.current(elsewhere) is None
    assert backend.current(account) is None
    still = backend.current(changed)
    assert still is not None
    assert still.identity == account.identity


def test_current_keeps_a_valid_session(subject, backend):
    account = signed_up(subject)
    assert backend.current(account) == account  # nothing to renew yet
    subject.later()
    renewed = backend.current(account)
    assert renewed is not None
    assert renewed.identity == account.identity
    assert backend.current(renewed) == renewed


def test_sign_out(subject, backend):
    account = signed_up(subject)
    other = backend.sign_in(EMAIL, PASSWORD)
    backend.sign_out(account)
    backend.sign_out(account)  # twice is fine
    subject.later()
    if subject.sign_out_ends_session:
        assert backend.current(account) is None
    assert backend.current(other) is not None  # only that session ended
    backend.sign_in(EMAIL, PASSWORD)


def test_delete_removes_the_account(subject, backend):
    account = signed_up(subject)
    backend.delete(account)
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, PASSWORD)
    subject.later()
    assert backend.current(account) is None
    backend.sign_up(EMAIL, NEW_PASSWORD, confirm_url=CONFIRM_URL)  # the email is free again
    fresh = backend.confirm(subject.proof(), NEW_PASSWORD)
    assert fresh.identity.user_id != account.identity.user_id


def test_errors_are_auth_errors_with_a_status(subject, backend):
    with pytest.raises(AuthError) as caught:
        backend.sign_in("nobody@example.com", PASSWORD)
    assert (status_of(caught.value), caught.value.code) == (401, "invalid_credentials")
