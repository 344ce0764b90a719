"""What the app leaves readable: the session cookie (signed, not encrypted) names the account
by its id only, never its email; the SQLite database and the instance folder are their
owner's alone."""

from __future__ import annotations

import os
import stat

from emotionpix.auth.session import SESSION_KEY
from emotionpix.db import sqlite_file
from emotionpix.wiring import database
from tests.accounts import console, verified_user


def cookie_of(app, client) -> dict:
    """The session cookie's content, as anyone holding the cookie can read it."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_session_cookie_holds_the_account_id_and_no_email(app, client):
    verified_user(client, console(app), "ann@example.com")
    assert client.get("/api/me").get_json()["email"] == "ann@example.com"  # from the database
    kept = cookie_of(app, client)[SESSION_KEY]
    assert set(kept) == {"id", "sid"}
    assert "ann@example.com" not in client.get_cookie("session").value
    assert "ann" not in str(cookie_of(app, client))


def test_an_older_cookie_with_the_email_is_rewritten_without_it(app, client):
    verified_user(client, console(app), "ann@example.com")
    with client.session_transaction() as session:
        session[SESSION_KEY] = {
            **session[SESSION_KEY],
            "email": "ann@example.com",
            "verified": True,
        }
    assert client.get("/api/me").get_json()["email"] == "ann@example.com"
    assert set(cookie_of(app, client)[SESSION_KEY]) == {"id", "sid"}


def test_the_sqlite_database_and_the_instance_folder_are_private(make_app, tmp_path):
    instance = tmp_path / "private"
    app = make_app(INSTANCE_PATH=str(instance))
    client = app.test_client()
    verified_user(client, console(app), "ann@example.com")  # writes: the WAL is in use
    path = sqlite_file(database(app))
    assert path is not None
    assert mode(instance) == 0o700
    assert mode(path) == 0o600
    for companion in (f"{path}-wal", f"{path}-shm"):
        assert os.path.exists(companion)
        assert mode(companion) == 0o600


def test_an_existing_readable_database_is_narrowed(make_app, tmp_path):
    instance = tmp_path / "older"
    make_app(INSTANCE_PATH=str(instance)).test_client().get("/healthz")
    path = instance / "emotionpix.sqlite3"
    os.chmod(path, 0o644)  # as releases before this one left it
    make_app(INSTANCE_PATH=str(instance)).test_client().get("/healthz")
    assert mode(path) == 0o600
