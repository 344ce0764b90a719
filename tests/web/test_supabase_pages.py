"""The account pages on Supabase Auth (the GoTrue stand-in, driven by supabase-py): the
mailed link lands on our page with the session in its fragment, the page posts it, and the
viewer is signed in; the watchlist is kept in the app database under the Supabase user id;
Supabase's refusals and outages reach the viewer as plain messages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.accounts import PASSWORD, csrf_token, sign_in, sign_up

pytestmark = pytest.mark.integration


@pytest.fixture
def supabase_app(make_app, supabase_api):
    def build(**extra):
        return make_app(
            AUTH_BACKEND="supabase",
            SUPABASE_URL=supabase_api.url,
            SUPABASE_ANON_KEY=supabase_api.gotrue.anon_key,
            **extra,
        )

    return build


def landing(link: str) -> tuple[str, dict[str, str]]:
    """Follow a mailed link as a browser does: where it lands, and the fragment it brings."""
    location = httpx.get(link, follow_redirects=False).headers["location"]
    address, _, fragment = location.partition("#")
    return urlsplit(address).path, dict(parse_qsl(fragment))


def confirm_by_link(client, supabase_api) -> None:
    path, proof = landing(supabase_api.outbox[-1].link)
    assert path == "/confirm"
    page = client.get(path)
    assert "js/link-proof.js" in page.get_data(True)  # copies the fragment; the person clicks
    answer = client.post(path, data={**proof, "csrf_token": csrf_token(client, path)})
    assert answer.status_code == 302


def test_sign_up_confirm_and_keep_a_watchlist(supabase_app, supabase_api):
    app = supabase_app()
    client = app.test_client()
    page = sign_up(client, "ann@example.com")
    assert page.status_code == 200
    assert "your inbox" in page.get_data(True)
    [mail] = supabase_api.outbox
    assert mail.email == "ann@example.com"
    assert sign_in(client, "ann@example.com").status_code == 403  # not confirmed yet
    confirm_by_link(client, supabase_api)
    me = client.get("/api/me").get_json()
    assert me["signed_in"] is True
    assert me["email"] == "ann@example.com"
    film = client.get("/api/recommendations?emotion=happy").get_json()["movies"][0]["id"]
    token = csrf_token(client, "/")
    added = client.post("/api/watchlist", json={"id": film}, headers={"X-CSRFToken": token})
    assert added.status_code == 201
    export = client.get("/account/export").get_json()
    supabase_id = next(iter(supabase_api.gotrue.users.values())).id
    assert export["account"]["id"] == supabase_id
    assert export["backend"] == "supabase"
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/api/me").get_json() == {"signed_in": False}
    assert sign_in(client, "ann@example.com").status_code == 302
    assert client.get("/api/watchlist").get_json()["movies"][0]["id"] == film


def test_an_expired_link_says_so_and_offers_a_new_one(supabase_app, supabase_api):
    client = supabase_app().test_client()
    sign_up(client, "ann@example.com")
    answer = client.post(
        "/confirm",
        data={
            "error": "access_denied",
            "error_code": "otp_expired",
            "error_description": "Email link is invalid or has expired",
            "csrf_token": csrf_token(client, "/confirm"),
        },
    )
    assert answer.status_code == 400
    text = answer.get_data(True)
    assert "expired" in text
    assert "Send me a new link" in text


def test_password_reset_through_supabase(supabase_app, supabase_api):
    client = supabase_app().test_client()
    sign_up(client, "ann@example.com")
    confirm_by_link(client, supabase_api)
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    client.post(
        "/password/forgot", data={"email": "ann@example.com", "csrf_token": csrf_token(client)}
    )
    path, proof = landing(supabase_api.outbox[-1].link)
    assert path == "/password/reset"
    new = "marmalade lighthouse anchor"
    done = client.post(
        path, data={**proof, "password": new, "csrf_token": csrf_token(client, path)}
    )
    assert done.status_code == 302
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(client, "ann@example.com", PASSWORD).status_code == 401
    assert sign_in(client, "ann@example.com", new).status_code == 302


def test_supabase_down_is_a_plain_503_and_the_films_keep_coming(supabase_app, supabase_api):
    app = supabase_app()
    client = app.test_client()
    sign_up(client, "ann@example.com")
    confirm_by_link(client, supabase_api)
    supabase_api.stop()
    other = app.test_client()
    refused = sign_in(other, "ann@example.com")
    assert refused.status_code == 503
    assert "unavailable right now" in refused.get_data(True)
    assert client.get("/api/recommendations?emotion=happy").status_code == 200


def test_deleting_without_the_service_key_says_the_login_remains(supabase_app, supabase_api):
    client = supabase_app().test_client()
    sign_up(client, "ann@example.com")
    confirm_by_link(client, supabase_api)
    assert "Your sign-in at Supabase stays" in client.get("/account").get_data(True)
    deleted = client.post(
        "/account/delete", data={"confirm": "on", "csrf_token": csrf_token(client, "/")}
    )
    assert "Your sign-in at the account service (Supabase) remains" in deleted.get_data(True)
    assert client.get("/api/me").get_json() == {"signed_in": False}


def test_deleting_with_the_service_key_removes_the_supabase_login(supabase_app, supabase_api):
    client = supabase_app(SUPABASE_SERVICE_ROLE_KEY=supabase_api.gotrue.service_role_key)
    client = client.test_client()
    sign_up(client, "ann@example.com")
    confirm_by_link(client, supabase_api)
    client.post("/account/delete", data={"confirm": "on", "csrf_token": csrf_token(client, "/")})
    assert supabase_api.gotrue.users == {}
    assert sign_in(client, "ann@example.com").status_code == 401


def test_the_cookie_holds_no_supabase_token_and_no_email(supabase_app, supabase_api):
    """Supabase's access token names the email in its payload: it stays on the server, in
    the session ledger, and the (signed, readable) cookie holds only the two ids."""
    import base64
    import zlib

    app = supabase_app()
    client = app.test_client()
    sign_up(client, "ann@example.com")
    confirm_by_link(client, supabase_api)
    assert client.get("/api/me").get_json()["email"] == "ann@example.com"
    value = client.get_cookie("session").value
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if value.startswith("."):
        raw = zlib.decompress(raw)
    assert b"access_token" not in raw
    assert b"ann@example.com" not in raw
    assert b"YW5uQGV4YW1wbGUuY29t" not in raw  # the email as base64 (inside a JWT)
