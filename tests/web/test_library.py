"""What an account keeps, through the JSON API and the pages: the watchlist, films seen (which
never come back in recommendations), the opt-in mood history, export and deletion; and the
closed app when LOGIN_REQUIRED is on."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from emotionpix.db import metadata
from emotionpix.wiring import database
from tests.accounts import console, csrf_token, sign_in, verified_user


@pytest.fixture
def member(app):
    """A signed-in client with a verified account, and the CSRF header its page would send."""
    client = app.test_client()
    verified_user(client, console(app), "ann@example.com")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def happy_ids(client, **params):
    answer = client.get("/api/recommendations", query_string={"emotion": "happy", **params})
    return [movie["id"] for movie in answer.get_json()["movies"]]


def all_happy_ids(client):
    """Every film the happy mood recommends, over every page of one order."""
    ids, page = [], 1
    while True:
        answer = client.get(
            "/api/recommendations", query_string={"emotion": "happy", "page": page, "seed": 7}
        ).get_json()
        ids += [movie["id"] for movie in answer["movies"]]
        if not answer["has_more"]:
            return ids
        page += 1


def test_guests_get_a_clear_401_for_personal_lists(client):
    assert client.get("/api/me").get_json() == {"signed_in": False}
    for path in ("/api/watchlist", "/api/seen", "/api/moods"):
        answer = client.get(path)
        assert answer.status_code == 401
        assert answer.get_json()["error"] == "sign_in_required"


def test_the_watchlist_keeps_films_with_the_providers_title(member):
    film = happy_ids(member)[0]
    added = member.post("/api/watchlist", json={"id": film, "title": "Forged title"})
    assert added.status_code == 201
    kept = member.get("/api/watchlist").get_json()["movies"]
    assert [m["id"] for m in kept] == [film]
    assert kept[0]["title"] == member.get(f"/api/movies/{film}").get_json()["title"]
    assert kept[0]["title"] != "Forged title"
    assert member.get("/api/me").get_json()["watchlist"] == [film]
    assert kept[0]["title"] in member.get("/watchlist").get_data(True)
    assert member.delete(f"/api/watchlist/{film}").status_code == 204
    assert member.get("/api/watchlist").get_json()["movies"] == []
    assert member.delete(f"/api/watchlist/{film}").status_code == 404


def test_adding_an_unknown_film_is_a_404(member):
    answer = member.post("/api/watchlist", json={"id": "Q0000000000"})
    assert answer.status_code == 404
    assert member.post("/api/watchlist", json={"id": "../etc"}).status_code == 404
    assert member.post("/api/watchlist", data="not json").status_code == 400


def test_films_marked_seen_never_come_back(member, app):
    everything = all_happy_ids(member)
    first, second = everything[0], everything[5]
    for film in (first, second):
        assert member.post("/api/seen", json={"id": film}).status_code == 201
    remaining = all_happy_ids(member)
    assert first not in remaining
    assert second not in remaining
    assert sorted(remaining) == sorted(set(everything) - {first, second})
    page = member.get("/?emotion=happy").get_data(True)
    assert f'data-id="{first}"' not in page
    # A guest still gets them; unmarking brings them back.
    assert first in all_happy_ids(app.test_client())
    member.delete(f"/api/seen/{first}")
    assert first in all_happy_ids(member)


def test_the_mood_history_is_off_until_its_owner_turns_it_on(member):
    reading = {"emotion": "happy", "source": "camera"}
    assert member.post("/api/moods", json=reading).get_json() == {"recorded": False}
    assert member.get("/api/moods").get_json() == {"history_enabled": False, "moods": []}
    member.post("/account/history", data={"enabled": "on", "csrf_token": csrf_token(member, "/")})
    assert member.post("/api/moods", json=reading).get_json() == {"recorded": True}
    correction = {"emotion": "sad", "source": "correction", "corrected_from": "happy"}
    assert member.post("/api/moods", json=correction).get_json() == {"recorded": True}
    kept = member.get("/api/moods").get_json()["moods"]
    assert [(m["emotion"], m["source"], m["corrected_from"]) for m in kept] == [
        ("sad", "correction", "happy"),
        ("happy", "camera", None),
    ]
    # In plain words: what the viewer said, and what had been read.
    page = member.get("/account").get_data(True)
    assert "Sad: you said so (we had read happy)" in page
    assert "Happy, read by your camera" in page
    # In Hindi, with the date written the Hindi way.
    hindi = member.get("/account", headers={"Accept-Language": "hi"}).get_data(True)
    assert "उदास: आपने ख़ुद बताया (हमने खुश पढ़ा था)" in hindi
    assert "खुश, आपके कैमरे से पढ़ा गया" in hindi
    when = re.search(r'<time datetime="[^"]+">([^<]+)</time>', hindi).group(1)
    assert re.search(r"[\u0900-\u097f]", when), when  # the month's name in Devanagari
    # Turning it off forgets what was kept.
    member.post("/account/history", data={"csrf_token": csrf_token(member, "/")})
    assert member.get("/api/moods").get_json() == {"history_enabled": False, "moods": []}


@pytest.mark.parametrize(
    "body",
    [
        {"emotion": "elated", "source": "camera"},
        {"emotion": "happy", "source": "webcam"},
        {"emotion": "happy", "source": "correction", "corrected_from": 3},
        {"source": "camera"},
    ],
)
def test_a_bad_mood_is_a_400_with_a_reason(member, body):
    answer = member.post("/api/moods", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["message"]


def test_export_gives_everything_kept_and_nothing_secret(member):
    film = happy_ids(member)[0]
    member.post("/api/watchlist", json={"id": film})
    member.post("/api/seen", json={"id": film})
    member.post("/account/history", data={"enabled": "on", "csrf_token": csrf_token(member, "/")})
    member.post("/api/moods", json={"emotion": "happy", "source": "photo"})
    download = member.get("/account/export")
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.get_data(True))
    assert data["email"] == "ann@example.com"
    assert data["account"]["history_enabled"] is True
    assert [m["id"] for m in data["watchlist"]] == [film]
    assert [m["id"] for m in data["seen"]] == [film]
    assert [m["emotion"] for m in data["mood_history"]] == ["happy"]
    assert "argon2" not in download.get_data(True)


def rows_about(app, user_id: str) -> int:
    """Rows in every table of the app that name the account (by id or account_id)."""
    total = 0
    with database(app).connect() as conn:
        for table in metadata.sorted_tables:
            for name in ("account_id", "id"):
                if name in table.c and table.name != "cache_entries":
                    total += conn.execute(
                        select(func.count()).select_from(table).where(table.c[name] == user_id)
                    ).scalar_one()
    return total


def test_deleting_the_account_leaves_no_row_about_it(member, app):
    film = happy_ids(member)[0]
    member.post("/api/watchlist", json={"id": film})
    member.post("/api/seen", json={"id": film})
    member.post("/account/history", data={"enabled": "on", "csrf_token": csrf_token(member, "/")})
    member.post("/api/moods", json={"emotion": "happy", "source": "photo"})
    export = json.loads(member.get("/account/export").get_data(True))
    user_id = export["account"]["id"]
    # user, account, session, watchlist, seen, one mood, and the taste's two signals (a film
    # put on the watchlist, a film marked as seen)
    assert rows_about(app, user_id) == 8
    refused = member.post("/account/delete", data={"csrf_token": csrf_token(member, "/")})
    assert refused.status_code == 302  # not confirmed: nothing deleted
    assert rows_about(app, user_id) == 8
    deleted = member.post(
        "/account/delete", data={"confirm": "on", "csrf_token": csrf_token(member, "/")}
    )
    assert deleted.status_code == 200
    assert "Your account is deleted" in deleted.get_data(True)
    assert rows_about(app, user_id) == 0
    assert member.get("/api/me").get_json() == {"signed_in": False}
    assert sign_in(member, "ann@example.com").status_code == 401


def test_login_required_closes_everything_but_health_assets_and_sign_in(make_app):
    app = make_app(LOGIN_REQUIRED=True)
    guest = app.test_client()
    page = guest.get("/?emotion=happy")
    assert page.status_code == 302
    assert page.headers["Location"] == "/signin?next=/?emotion%3Dhappy"
    for path in ("/api/recommendations?emotion=happy", "/api/search?q=sholay", "/api/version"):
        answer = guest.get(path)
        assert answer.status_code == 401
        assert answer.get_json()["error"] == "sign_in_required"
    assert guest.post("/api/emotion", data=b"x", content_type="image/jpeg").status_code == 401
    for path in ("/healthz", "/static/app.css", "/signin", "/signup", "/password/forgot"):
        with guest.get(path) as answer:
            assert answer.status_code == 200, path
    member = app.test_client()
    verified_user(member, console(app), "ann@example.com")
    assert member.get("/?emotion=happy").status_code == 200
    assert member.get("/api/recommendations?emotion=happy").status_code == 200
