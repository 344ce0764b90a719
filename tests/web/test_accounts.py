"""Local accounts through the pages: sign-up with a verification link (written to the console
without a mail server), sign-in, reset and change of password, sessions, and the rules that
keep accounts safe (no enumeration, no open redirect, CSRF, rate limits)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher

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


@pytest.fixture
def outbox(app):
    return console(app)


def signed_in(client) -> bool:
    return client.get("/api/me").get_json()["signed_in"]


def message_of(response) -> str:
    found = re.search(r'class="message error" role="alert">([^<]+)<', response.get_data(True))
    return found.group(1) if found else ""


def test_sign_up_writes_the_link_to_the_console_and_the_page_says_so(client, outbox):
    page = sign_up(client, " Ann@Example.COM ")
    assert page.status_code == 200
    assert "the server's console" in html.unescape(page.get_data(True))
    mail = outbox.getvalue()
    assert "To: ann@example.com" in mail
    assert "Subject: Confirm your EmotionPix account" in mail
    assert len(links(mail)) == 1


def test_sign_in_is_refused_until_the_email_is_confirmed(client, outbox):
    sign_up(client, "ann@example.com")
    refused = sign_in(client, "ann@example.com")
    assert refused.status_code == 403
    assert "Confirm your email first" in message_of(refused)
    # Opening the link (as a mail scanner would) confirms nothing: the button does.
    link = links(outbox.getvalue())[0]
    assert client.get(link.removeprefix("http://localhost")).status_code == 200
    assert sign_in(client, "ann@example.com").status_code == 403
    confirmed = confirm(client, link)
    assert confirmed.status_code == 302
    assert signed_in(client)
    welcome = client.get(confirmed.headers["Location"]).get_data(True)
    assert "Your email is confirmed and you are signed in as ann@example.com" in welcome


def test_a_verification_link_works_once_and_a_forged_one_never(client, outbox):
    sign_up(client, "ann@example.com")
    link = links(outbox.getvalue())[0]
    assert confirm(client, link).status_code == 302
    again = client.post(
        "/confirm", data={"token": token_of(link), "csrf_token": csrf_token(client, "/confirm")}
    )
    assert again.status_code == 400
    assert "expired or was already used" in message_of(again)
    forged = client.post(
        "/confirm",
        data={"token": token_of(link)[:-3] + "abc", "csrf_token": csrf_token(client, "/confirm")},
    )
    assert forged.status_code == 400


def test_resend_mails_a_new_link_that_works(client, outbox):
    sign_up(client, "ann@example.com")
    client.post(
        "/confirm/resend", data={"email": "ann@example.com", "csrf_token": csrf_token(client)}
    )
    found = links(outbox.getvalue())
    assert len(found) == 2
    assert confirm(client, found[1]).status_code == 302


def test_wrong_password_and_unknown_email_answer_alike(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    wrong = sign_in(client, "ann@example.com", "not the right password")
    unknown = sign_in(client, "nobody@example.com", "not the right password")
    assert wrong.status_code == unknown.status_code == 401
    assert message_of(wrong) == message_of(unknown) == "The email or the password is not right."


def test_an_unknown_email_costs_a_password_check_too(app, client, monkeypatch):
    """No timing difference to read: the decoy hash is checked when there is no account
    (the time itself is measured by benchmarks/bench_auth.py)."""
    checked = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            checked.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(app.extensions["emotionpix.auth.backend"], "hasher", Counting())
    sign_in(client, "nobody@example.com", "some password here")
    assert len(checked) == 1


def test_signing_up_again_answers_alike_and_changes_nothing(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    again = sign_up(client, "ann@example.com", "a different but strong passphrase")
    first_time = sign_up(client, "bob@example.com")
    assert again.status_code == first_time.status_code == 200
    assert "Check your email" in again.get_data(True)
    assert "You already have an EmotionPix account" in outbox.getvalue()
    assert sign_in(client, "ann@example.com").status_code == 302  # the old password stands


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short", "at least 10 characters"),
        ("password1234", "Choose a stronger password"),
        ("qwertyuiop", "Choose a stronger password"),
        ("ann@example.com2024", "Choose a stronger password"),  # the email, and a year
        ("x" * 257, "at most 256 characters"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, outbox, password, says):
    page = sign_up(client, "ann@example.com", password)
    assert page.status_code == 400
    assert says in message_of(page)
    assert outbox.getvalue() == ""


@pytest.mark.parametrize("address", ["not-an-email", "ann@", "ann@@example.com", "a b@example.com"])
def test_bad_emails_are_refused_with_a_reason(client, address):
    page = sign_up(client, address)
    assert page.status_code == 400
    assert "does not look right" in message_of(page)


def without_tokens(page: str) -> str:
    """A page with its CSRF tokens (meta tag and forms) blanked."""
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=)"[^"]*"', r'\1""', page)


def test_password_reset_by_email(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    asked = client.post(
        "/password/forgot", data={"email": "ann@example.com", "csrf_token": csrf_token(client)}
    )
    unknown = client.post(
        "/password/forgot", data={"email": "nobody@example.com", "csrf_token": csrf_token(client)}
    )
    # The same page either way, but for the address and the page's CSRF token (signed with
    # the second it was made in: two requests either side of a second differ there).
    assert without_tokens(asked.get_data(True)).replace("ann@", "x@") == without_tokens(
        unknown.get_data(True)
    ).replace("nobody@", "x@")
    link = links(outbox.getvalue())[-1]
    assert "/password/reset?token=" in link
    token = csrf_token(client, "/password/forgot")
    new = "marmalade lighthouse anchor"
    done = client.post(
        "/password/reset", data={"token": token_of(link), "password": new, "csrf_token": token}
    )
    assert done.status_code == 302
    assert signed_in(client)
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(client, "ann@example.com").status_code == 401
    assert sign_in(client, "ann@example.com", new).status_code == 302
    reused = client.post(
        "/password/reset",
        data={"token": token_of(link), "password": "another fine passphrase", "csrf_token": token},
    )
    assert reused.status_code == 400


def test_changing_the_password_ends_the_other_sessions(app, outbox):
    laptop, phone = app.test_client(), app.test_client()
    verified_user(laptop, outbox, "ann@example.com")
    assert sign_in(phone, "ann@example.com").status_code == 302
    wrong = laptop.post(
        "/account/password",
        data={"current": "not it at all", "password": "x", "csrf_token": csrf_token(laptop, "/")},
    )
    assert wrong.status_code == 401
    changed = laptop.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "marmalade lighthouse anchor",
            "csrf_token": csrf_token(laptop, "/"),
        },
    )
    assert changed.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
        "/%0d%0aLocation: https://evil.example",
        "\t//evil.example",
    ],
)
def test_sign_in_never_redirects_to_another_site(client, outbox, target):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    answer = sign_in(client, "ann@example.com", next=target)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert urlsplit(location).netloc == ""
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))


def test_sign_in_returns_to_the_page_asked_for(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    answer = sign_in(client, "ann@example.com", next="/watchlist?sort=new")
    assert answer.headers["Location"] == "/watchlist?sort=new"


def test_session_cookie_flags_and_remember_me(app, outbox):
    client = app.test_client()
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    short = sign_in(client, "ann@example.com").headers["Set-Cookie"]
    assert "HttpOnly" in short
    assert "SameSite=Lax" in short
    assert "Expires" not in short  # ends with the browser
    assert "Secure" not in short  # plain http (a test client)
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    remembered = sign_in(client, "ann@example.com", remember="on").headers["Set-Cookie"]
    assert "Expires" in remembered


def test_the_session_cookie_is_secure_over_https(make_app):
    direct = make_app().test_client()
    assert "Secure" in direct.get("/", base_url="https://localhost").headers["Set-Cookie"]
    proxied = make_app(TRUSTED_PROXIES=1).test_client()
    forwarded = proxied.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in forwarded.headers["Set-Cookie"]
    untrusted = make_app().test_client()
    assert (
        "Secure"
        not in untrusted.get("/", headers={"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
    )


def test_signing_in_starts_a_new_session(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    guest_token = csrf_token(client)
    sign_in(client, "ann@example.com")
    # The guest session's token does not carry over into the signed-in one.
    stale = client.post("/account/history", data={"enabled": "on", "csrf_token": guest_token})
    assert stale.status_code == 400


def test_forms_and_json_calls_without_a_csrf_token_are_refused(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    form = client.post("/signout")
    assert form.status_code == 400
    assert "Reload the page" in form.get_data(True)
    call = client.post("/api/watchlist", json={"id": "Q172241"})
    assert call.status_code == 400
    assert call.get_json()["error"] == "csrf_failed"
    other_site = client.post("/api/watchlist", json={"id": "Q172241"}, headers={"X-CSRFToken": "x"})
    assert other_site.status_code == 400
    assert signed_in(client)


def test_sign_in_attempts_are_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_AUTH="3 per minute").test_client()
    answers = [sign_in(client, "ann@example.com", "some guess here") for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Too many requests" in answers[-1].get_data(True)


def test_a_user_cannot_be_found_through_resend(client, outbox):
    verified_user(client, outbox, "ann@example.com")
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client)
    known = client.post("/confirm/resend", data={"email": "ann@example.com", "csrf_token": token})
    unknown = client.post("/confirm/resend", data={"email": "zed@example.com", "csrf_token": token})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(True).replace("ann@", "x@") == unknown.get_data(True).replace(
        "zed@", "x@"
    )


def test_users_rows_hold_a_hash_never_the_password(app, client, outbox):
    verified_user(client, outbox, "ann@example.com")
    with database(app).connect() as conn:
        row = conn.execute(local_users.select()).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_passwords_are_hashed_with_rfc_9106s_profile_by_default(make_app):
    hasher = make_app(PASSWORD_HASHING="low-memory").extensions["emotionpix.auth.backend"].hasher
    digest = hasher.hash(PASSWORD)
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_photo_analysis_is_rate_limited_per_client_without_a_csrf_token(make_app):
    """API clients post photos without a page (no CSRF token); the limit is per address."""
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_EMOTION="2 per minute")
    client = app.test_client()
    statuses = [
        client.post("/api/emotion", data=b"not an image", content_type="image/jpeg").status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    other = client.post(
        "/api/emotion",
        data=b"not an image",
        content_type="image/jpeg",
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert other.status_code == 400
