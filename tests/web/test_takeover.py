"""The ways the second hostile probe took over accounts (issue 29), each tried again: a reset
or confirmation link on the attacker's host, an account prepared for the victim's address
before they signed up, a confirmation page that signs a visitor into the attacker's account,
a copied cookie that outlives "Sign out", and what the account pages let caches keep."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from emotionpix.auth.local import local_users
from emotionpix.wiring import database
from tests.accounts import (
    PASSWORD,
    confirm,
    console,
    csrf_token,
    links,
    sign_in,
    sign_up,
    token_of,
    verified_user,
)

ATTACKER_PASSWORD = "marmalade octopus lantern"
ATTACKER_HOST = "attacker.example"
STATIC = Path(__file__).resolve().parents[2] / "src" / "emotionpix" / "web" / "static"


@pytest.fixture
def outbox(app):
    return console(app)


def signed_in_as(client) -> str | None:
    me = client.get("/api/me").get_json()
    return me.get("email") if me["signed_in"] else None


def sign_out(client) -> None:
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})


# -- 1. Host-header poisoning -------------------------------------------------------------------


@pytest.fixture
def no_csrf(make_app):
    """An app whose forms need no CSRF token: the test client keeps the session cookie for
    localhost, so a request to another Host would carry no token."""
    return make_app(WTF_CSRF_ENABLED=False)


def test_a_reset_link_is_never_built_on_the_requests_host(no_csrf):
    client, outbox = no_csrf.test_client(), console(no_csrf)
    verified_user(client, outbox, "ann@example.com")
    sign_out(client)
    mailed = len(links(outbox.getvalue()))
    answer = client.post(
        "/password/forgot", data={"email": "ann@example.com"}, headers={"Host": ATTACKER_HOST}
    )
    assert answer.status_code == 503
    assert "EMOTIONPIX_PUBLIC_URL" in answer.get_data(True)
    assert ATTACKER_HOST not in outbox.getvalue()
    assert len(links(outbox.getvalue())) == mailed  # nothing mailed at all


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:5000", "[::1]", "[::1]:5000"])
def test_a_development_server_on_this_machine_mails_its_links(no_csrf, host):
    client, outbox = no_csrf.test_client(), console(no_csrf)
    answer = client.post(
        "/signup", data={"email": "ann@example.com", "password": PASSWORD}, headers={"Host": host}
    )
    assert answer.status_code == 200
    assert links(outbox.getvalue())[0].startswith(f"http://{host}/confirm?token=")


def test_a_confirmation_link_is_never_built_on_the_requests_host(no_csrf):
    client, outbox = no_csrf.test_client(), console(no_csrf)
    answer = client.post(
        "/signup",
        data={"email": "ann@example.com", "password": PASSWORD},
        headers={"Host": ATTACKER_HOST},
    )
    assert answer.status_code == 503
    assert ATTACKER_HOST not in outbox.getvalue()


def test_links_use_the_public_url_and_other_hosts_are_refused(make_app):
    app = make_app(PUBLIC_URL="https://films.example.org")
    outbox = console(app)
    client = app.test_client()
    verified_user(client, outbox, "ann@example.com")
    assert links(outbox.getvalue())[0].startswith("https://films.example.org/confirm?token=")
    sign_out(client)
    client.post(
        "/password/forgot", data={"email": "ann@example.com", "csrf_token": csrf_token(client)}
    )
    assert links(outbox.getvalue())[-1].startswith("https://films.example.org/password/reset?")
    poisoned = client.post("/password/forgot", headers={"Host": ATTACKER_HOST})
    assert poisoned.status_code == 400  # Werkzeug's trusted hosts
    assert ATTACKER_HOST not in outbox.getvalue()
    assert client.get("/healthz", headers={"Host": "films.example.org"}).status_code == 200


def test_a_public_url_that_is_not_an_address_stops_start_up(make_app):
    from emotionpix.config import ConfigError

    with pytest.raises(ConfigError, match="EMOTIONPIX_PUBLIC_URL"):
        make_app(PUBLIC_URL="films.example.org/?x=1")


# -- 2. Pre-hijacking through sign-up -----------------------------------------------------------


def test_an_account_prepared_for_the_victims_address_never_becomes_the_attackers(app, outbox):
    attacker, victim = app.test_client(), app.test_client()
    assert sign_up(attacker, "victim@example.com", ATTACKER_PASSWORD).status_code == 200
    assert sign_up(victim, "victim@example.com", PASSWORD).status_code == 200
    link = links(outbox.getvalue())[-1]
    # The victim confirms with their own password: refused, the account stays unverified.
    refused = confirm(victim, link, PASSWORD)
    assert refused.status_code == 401
    assert "reset the password" in refused.get_data(True)
    assert signed_in_as(victim) is None
    assert sign_in(attacker, "victim@example.com", ATTACKER_PASSWORD).status_code == 403
    # The victim resets the password, which proves the address and makes the account theirs.
    victim.post(
        "/password/forgot", data={"email": "victim@example.com", "csrf_token": csrf_token(victim)}
    )
    reset = links(outbox.getvalue())[-1]
    victim.post(
        "/password/reset",
        data={"token": token_of(reset), "password": PASSWORD, "csrf_token": csrf_token(victim)},
    )
    assert signed_in_as(victim) == "victim@example.com"
    assert sign_in(attacker, "victim@example.com", ATTACKER_PASSWORD).status_code == 401


def test_confirming_needs_the_sign_up_password(client, outbox):
    sign_up(client, "ann@example.com")
    link = links(outbox.getvalue())[0]
    without = client.post(
        "/confirm", data={"token": token_of(link), "csrf_token": csrf_token(client, "/confirm")}
    )
    assert without.status_code == 401
    assert confirm(client, link, "a wrong but long password").status_code == 401
    assert confirm(client, link, PASSWORD).status_code == 302  # still usable once
    assert signed_in_as(client) == "ann@example.com"


def test_the_confirmation_page_names_the_address_and_sends_nothing_by_itself(client, outbox):
    sign_up(client, "ann@example.com")
    parts = urlsplit(links(outbox.getvalue())[0])
    page = client.get(f"{parts.path}?{parts.query}").get_data(True)
    assert "<strong>ann@example.com</strong>" in page
    assert "link-proof.js" not in page  # only Supabase's fragments need a script
    assert 'name="password"' in page
    script = (STATIC / "js" / "link-proof.js").read_text()
    assert "requestSubmit" not in script
    assert ".submit(" not in script


# -- 8. Sign-out ends the session -----------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_sign_out(app, outbox):
    client = app.test_client()
    verified_user(client, outbox, "ann@example.com")
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert signed_in_as(copy) == "ann@example.com"
    sign_out(client)
    assert signed_in_as(copy) is None
    assert copy.get("/api/watchlist").status_code == 401


def test_sign_out_everywhere_and_deletion_end_every_session(app, outbox):
    first = app.test_client()
    verified_user(first, outbox, "ann@example.com")
    second = app.test_client()
    assert sign_in(second, "ann@example.com").status_code == 302
    first.post("/account/signout-everywhere", data={"csrf_token": csrf_token(first, "/account")})
    assert signed_in_as(first) is None
    assert signed_in_as(second) is None


def test_the_session_cookie_does_not_show_the_email(app, outbox):
    import base64
    import zlib

    client = app.test_client()
    verified_user(client, outbox, "ann@example.com")
    value = client.get_cookie("session").value
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    assert b"ann@example.com" not in raw


# -- 13. What the account pages let others keep, and what the export holds -----------------------


def test_account_pages_and_personal_answers_are_never_stored(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    for path in ("/account", "/watchlist", "/signin", "/account/export"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_the_export_has_the_accounts_creation_and_verification_times(app, client, outbox):
    verified_user(client, outbox, "ann@example.com")
    exported = client.get("/account/export").get_json()
    with database(app).connect() as conn:
        row = conn.execute(local_users.select()).one()
    assert exported["login"] == {"created_at": row.created_at, "verified_at": row.verified_at}
    assert row.verified_at is not None
    assert len(exported["sessions"]) == 1
