"""What only the Supabase backend does: Supabase's own refusals (weak passwords by its
rules, its email rate limit), outages, refresh-token rotation, expired links, and removal
without the service-role key. Real HTTP against the GoTrue stand-in, through supabase-py."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl

import httpx
import pytest

from emotionpix.auth.base import (
    AuthError,
    AuthUnavailable,
    Credentials,
    InvalidCredentials,
    InvalidLink,
    TooManyRequests,
    WeakPassword,
)
from emotionpix.auth.supabase import SupabaseBackend
from tests.standins.supabase import SupabaseStandIn

pytestmark = pytest.mark.integration

EMAIL = "viewer@example.com"
PASSWORD = "tangerine-velvet-harbour-92"
CONFIRM_URL = "http://app.example.org/auth/confirm"
RESET_URL = "http://app.example.org/auth/reset"


class Later:
    """The backend's clock, moved by hand."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def later() -> Later:
    return Later()


@pytest.fixture
def backend(supabase_api: SupabaseStandIn, later: Later) -> Iterator[SupabaseBackend]:
    gotrue = supabase_api.gotrue
    backend = SupabaseBackend(
        supabase_api.url,
        gotrue.anon_key,
        service_role_key=gotrue.service_role_key,
        timeout=0.5,
        clock=later,
    )
    yield backend
    backend.close()


def fragment(link: str) -> dict[str, str]:
    """Follow a mailed link as a browser does; what our page's URL fragment holds."""
    location = httpx.get(link, follow_redirects=False).headers["location"]
    return dict(parse_qsl(location.partition("#")[2]))


def account(backend: SupabaseBackend, api: SupabaseStandIn) -> Credentials:
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    return backend.confirm(fragment(api.outbox[-1].link))


def test_every_call_sends_the_api_key_and_the_api_version(backend, supabase_api):
    account(backend, supabase_api)
    calls = [r for r in supabase_api.requests if r["path"] != "/auth/v1/verify"]
    assert calls
    for call in calls:
        headers = {k.lower(): v for k, v in call["headers"].items()}
        assert headers["apikey"] == supabase_api.gotrue.anon_key
        assert headers["x-supabase-api-version"] == "2024-01-01"
    assert supabase_api.requests[0]["args"] == {"redirect_to": CONFIRM_URL}


def test_the_stand_in_refuses_calls_without_the_api_key(supabase_api):
    answer = httpx.post(f"{supabase_api.url}/auth/v1/token?grant_type=password", json={})
    assert answer.status_code == 401
    assert answer.headers["x-sb-error-code"] == answer.json()["code"] == "no_api_key"


def test_the_stand_in_deletes_users_only_for_the_service_role(backend, supabase_api):
    user_id = account(backend, supabase_api).identity.user_id
    gotrue = supabase_api.gotrue
    url = f"{supabase_api.url}/auth/v1/admin/users/{user_id}"
    anon = {"apikey": gotrue.anon_key, "Authorization": f"Bearer {gotrue.anon_key}"}
    assert httpx.delete(url, headers=anon).status_code == 403
    service = {"apikey": gotrue.service_role_key}
    service["Authorization"] = f"Bearer {gotrue.service_role_key}"
    assert httpx.delete(url, headers=service).status_code == 200
    assert user_id not in gotrue.users


def test_supabase_weak_password_reasons_in_plain_words(backend, supabase_api):
    supabase_api.gotrue.leaked.add(PASSWORD)  # passes our policy, refused by Supabase's
    with pytest.raises(WeakPassword, match="appeared in a data breach"):
        backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)


def test_email_rate_limit_is_too_many_requests(backend, supabase_api):
    supabase_api.gotrue.mail_interval = 60
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    with pytest.raises(TooManyRequests):
        backend.resend(EMAIL, confirm_url=CONFIRM_URL)
    supabase_api.fail(
        429,
        body='{"code": "over_request_rate_limit", "message": "Request rate limit reached"}',
    )
    with pytest.raises(TooManyRequests):
        backend.request_reset(EMAIL, reset_url=RESET_URL)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(backend, supabase_api, status):
    supabase_api.fail(status)
    with pytest.raises(AuthUnavailable):
        backend.sign_in(EMAIL, PASSWORD)


def test_an_unreadable_answer_is_unavailable(backend, supabase_api):
    supabase_api.malformed()
    with pytest.raises(AuthUnavailable):
        backend.sign_in(EMAIL, PASSWORD)


def test_a_slow_server_is_unavailable(backend, supabase_api):
    supabase_api.delay = 1.0  # the backend waits 0.5 s
    with pytest.raises(AuthUnavailable):
        backend.request_reset(EMAIL, reset_url=RESET_URL)


def test_a_server_that_is_down(backend, supabase_api, later):
    credentials = account(backend, supabase_api)
    supabase_api.stop()
    with pytest.raises(AuthUnavailable, match="Accounts are unavailable right now"):
        backend.sign_in(EMAIL, PASSWORD)
    with pytest.raises(AuthUnavailable):
        backend.sign_up("other@example.com", PASSWORD, confirm_url=CONFIRM_URL)
    assert backend.current(credentials) == credentials  # not expired: no call needed
    later.offset = 7200
    with pytest.raises(AuthUnavailable):  # an outage is not a sign-out
        backend.current(credentials)
    backend.sign_out(credentials)  # best effort: no error
    supabase_api.start()
    assert backend.current(credentials) is not None


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_session(backend, supabase_api, later):
    credentials = account(backend, supabase_api)
    later.offset = 7200
    renewed = backend.current(credentials)
    assert renewed is not None
    assert renewed.tokens["refresh_token"] != credentials.tokens["refresh_token"]
    assert renewed.identity == credentials.identity
    assert backend.current(credentials) is not None  # two tabs at once: within the grace
    supabase_api.gotrue.skew = 60
    assert backend.current(credentials) is None  # replayed later: refresh_token_already_used
    assert backend.current(renewed) is None  # and the whole session is gone with it


def test_current_renews_a_little_before_expiry(backend, supabase_api, later):
    credentials = account(backend, supabase_api)
    expires_at = int(credentials.tokens["expires_at"])
    later.offset = expires_at - time.time() - 120
    assert backend.current(credentials) == credentials
    later.offset = expires_at - time.time() - 30  # within the margin
    assert backend.current(credentials) != credentials


def test_an_expired_link_lands_with_otp_expired(backend, supabase_api):
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    supabase_api.gotrue.skew = 2 * 3600
    proof = fragment(supabase_api.outbox[-1].link)
    assert proof["error_code"] == "otp_expired"
    with pytest.raises(InvalidLink):
        backend.confirm(proof)


def test_a_password_sign_in_is_no_proof_for_a_reset(backend, supabase_api):
    account(backend, supabase_api)
    signed_in = backend.sign_in(EMAIL, PASSWORD)
    proof = {k: str(v) for k, v in signed_in.tokens.items()}
    with pytest.raises(InvalidLink):
        backend.reset_password(proof, "correct horse battery staple")


def test_the_same_password_again_is_refused_with_a_message(backend, supabase_api):
    credentials = account(backend, supabase_api)
    with pytest.raises(AuthError, match="different from your current one"):
        backend.change_password(credentials, PASSWORD, PASSWORD)


def test_without_the_service_role_key_the_supabase_login_remains(supabase_api):
    gotrue = supabase_api.gotrue
    backend = SupabaseBackend(supabase_api.url, gotrue.anon_key)
    assert backend.deletes_remote_account is False
    try:
        credentials = account(backend, supabase_api)
        backend.delete(credentials)  # ends the session, says nothing
        assert backend.sign_in(EMAIL, PASSWORD).identity == credentials.identity
        assert not any("/admin/" in path for path in supabase_api.paths())
    finally:
        backend.close()


def test_delete_of_a_user_already_gone_is_done(backend, supabase_api):
    assert backend.deletes_remote_account is True
    credentials = account(backend, supabase_api)
    backend.delete(credentials)
    backend.delete(credentials)
    with pytest.raises(InvalidCredentials):
        backend.sign_in(EMAIL, PASSWORD)


def test_tokens_and_passwords_are_never_logged(backend, supabase_api, later, caplog):
    caplog.set_level(logging.DEBUG)
    backend.sign_up(EMAIL, PASSWORD, confirm_url=CONFIRM_URL)
    records = list(caplog.records)
    proof = fragment(supabase_api.outbox[-1].link)  # the browser's part: not ours
    caplog.clear()
    credentials = backend.confirm(proof)
    later.offset = 7200
    renewed = backend.current(credentials)
    assert renewed is not None
    backend.change_password(renewed, PASSWORD, "correct horse battery staple")
    supabase_api.fail(500)
    with pytest.raises(AuthUnavailable):
        backend.sign_in(EMAIL, PASSWORD)
    records += caplog.records
    ours = "\n".join(r.getMessage() for r in records if r.name != "werkzeug")
    secrets = [PASSWORD, "correct horse battery staple"]
    secrets += [
        str(c.tokens[k]) for c in (credentials, renewed) for k in ("access_token", "refresh_token")
    ]
    assert not [s for s in secrets if s in ours]


def test_from_config_reads_the_supabase_settings(supabase_api):
    gotrue = supabase_api.gotrue
    config = {"SUPABASE_URL": supabase_api.url + "/", "SUPABASE_ANON_KEY": gotrue.anon_key}
    backend = SupabaseBackend.from_config(config)
    try:
        assert backend.deletes_remote_account is False
        backend.request_reset(EMAIL, reset_url=RESET_URL)
    finally:
        backend.close()
    config["SUPABASE_SERVICE_ROLE_KEY"] = gotrue.service_role_key
    backend = SupabaseBackend.from_config(config)
    assert backend.deletes_remote_account is True
    backend.close()
