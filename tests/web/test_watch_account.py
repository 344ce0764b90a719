"""Where to watch, kept on the account: the region and services (read, saved, validated,
exported, deleted; SQLite and PostgreSQL), and the watchlist page marking the films now on
the owner's services, new ones since the last visit, against the TMDB stand-in."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from emotionpix.auth.session import personal
from emotionpix.db import metadata
from emotionpix.wiring import database
from tests.accounts import console, csrf_token, verified_user
from tests.standins import tmdb

pytestmark = pytest.mark.integration  # a real HTTP stand-in on 127.0.0.1

SHOLAY, IDIOTS, INCEPTION = "8392", "20453", "27205"  # Netflix / Hotstar / Hotstar, in India
CREDIT = "Data from JustWatch"


def signed_in(app):
    client = app.test_client()
    verified_user(client, console(app), "ann@example.com")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def member(make_app, tmdb_config, database_url):
    app = make_app(**tmdb_config, DATABASE_URL=database_url)
    yield signed_in(app)
    database(app).dispose()


def rows_about(app, user_id):
    """Rows naming the account in every table keyed by it (PostgreSQL compares types: the
    integer ids of other tables are not asked)."""
    total = 0
    with database(app).connect() as conn:
        for table in metadata.sorted_tables:
            column = table.c.id if table.name == "accounts" else table.c.get("account_id")
            if column is not None:
                where = column == user_id
                total += conn.execute(select(func.count()).select_from(table).where(where)).scalar()
    return total


def watchlist_page(client):
    page = client.get("/watchlist")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def marks(html):
    """Each listed film's title and the mark beside it."""
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    found = {}
    for item in items:
        title = re.search(r">([^<]+)</a>", item).group(1)
        mark = re.search(r'class="watch-mark">(.*?)</span>', item, re.S)
        found[title] = re.sub(r"<[^>]+>", "", mark.group(1)).strip() if mark else None
    return found


def test_the_account_keeps_region_and_services(member):
    assert member.get("/api/me/watch").get_json() == {
        "region": None,
        "services": [],
        "include_free": False,
    }
    saved = member.put("/api/me/watch", json={"region": "in", "services": [119, 8, 8]})
    assert saved.status_code == 200
    expected = {"region": "IN", "services": [8, 119], "include_free": False}
    assert saved.get_json() == expected
    assert member.get("/api/me/watch").get_json() == expected
    assert member.get("/api/me").get_json()["watch"] == expected
    member.put("/api/me/watch", json={"region": None, "services": [], "include_free": True})
    assert member.get("/api/me/watch").get_json() == {
        "region": None,
        "services": [],
        "include_free": True,
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"region": "IND", "services": []}, "invalid_region"),
        ({"region": "ZZ", "services": []}, "invalid_region"),  # not a region TMDB lists
        ({"region": 12, "services": []}, "invalid_region"),
        ({"region": "IN", "services": "8,119"}, "invalid_services"),
        ({"region": "IN", "services": [True]}, "invalid_services"),
        ({"region": "IN", "services": ["8"]}, "invalid_services"),
        ({"region": "IN", "services": [0]}, "invalid_services"),
        ({"region": "IN", "services": list(range(1, 22))}, "invalid_services"),
        ({"region": "IN", "services": [8], "include_free": "yes"}, "invalid_include_free"),
        ([1, 2], "invalid_json"),
    ],
)
def test_bad_settings_are_a_400_with_a_reason(make_app, tmdb_config, body, error):
    member = signed_in(make_app(**tmdb_config))
    answer = member.put("/api/me/watch", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == error
    assert answer.get_json()["message"]
    assert member.get("/api/me/watch").get_json()["services"] == []


def test_saving_needs_the_csrf_token_and_an_account(make_app, tmdb_config):
    app = make_app(**tmdb_config)
    guest = app.test_client()
    assert guest.get("/api/me/watch").status_code == 401
    member = signed_in(app)
    del member.environ_base["HTTP_X_CSRFTOKEN"]
    refused = member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    assert (refused.status_code, refused.get_json()["error"]) == (400, "csrf_failed")


def test_without_a_tmdb_key_a_region_of_iso_form_is_kept(make_app):
    member = signed_in(make_app())
    assert member.put("/api/me/watch", json={"region": "IN", "services": [8]}).status_code == 200
    assert member.put("/api/me/watch", json={"region": "I1"}).status_code == 400


def test_export_includes_and_deletion_removes_them(member):
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    member.post("/api/watchlist", json={"id": SHOLAY})
    watchlist_page(member)  # remembers where the film was offered
    data = json.loads(member.get("/account/export").get_data(True))
    assert data["watch_settings"] == {"region": "IN", "services": [8], "include_free": False}
    assert data["watchlist"][0]["watch_last_seen"] == {"region": "IN", "services": [8]}
    user_id = data["account"]["id"]
    # The account, its session, the film, the taste's signal of it, and the settings.
    assert rows_about(member.application, user_id) == 5
    member.post("/account/delete", data={"confirm": "on", "csrf_token": csrf_token(member, "/")})
    assert rows_about(member.application, user_id) == 0


def test_the_watchlist_marks_films_on_my_services_in_one_round_trip(member, tmdb_api):
    for film in (SHOLAY, IDIOTS, INCEPTION):
        assert member.post("/api/watchlist", json={"id": film}).status_code == 201
    member.put("/api/me/watch", json={"region": "IN", "services": [8, 220]})
    tmdb_api.requests.clear()
    tmdb_api.delay = 0.2
    html = watchlist_page(member)
    assert marks(html) == {
        "Inception": "Now on JioCinema",  # free there
        "3 Idiots": None,  # on Hotstar, not one of mine
        "Sholay": "Now on Netflix",  # first check: on it, but not "new"
    }
    calls = [r for r in tmdb_api.requests if r["path"].endswith("/watch/providers")]
    assert len(calls) == 3
    assert tmdb_api.max_in_flight == 3  # asked at once, not one film after another
    assert "Where to watch in India, checked just now." in html
    assert CREDIT in html


def test_a_film_new_on_my_services_since_the_last_visit_says_so(member):
    member.post("/api/watchlist", json={"id": SHOLAY})
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    user_id = json.loads(member.get("/account/export").get_data(True))["account"]["id"]
    with member.application.app_context():
        # The last visit saw it on Hotstar only; Netflix has it now.
        personal().remember_watch(user_id, {SHOLAY: {"region": "IN", "services": [122]}})
    assert marks(watchlist_page(member))["Sholay"] == "Now on Netflix · new since your last visit"
    assert marks(watchlist_page(member))["Sholay"] == "Now on Netflix"  # seen now: not new


def test_nothing_is_called_new_without_evidence(member):
    member.post("/api/watchlist", json={"id": SHOLAY})
    member.put("/api/me/watch", json={"region": "US", "services": [119]})
    watchlist_page(member)  # checked in the US, where Prime does not have it
    # Checked before only in another region: no evidence about India.
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    assert marks(watchlist_page(member))["Sholay"] == "Now on Netflix"
    # A service chosen later, which had the film at the last check: not new either.
    member.put("/api/me/watch", json={"region": "IN", "services": [8, 2]})
    assert marks(watchlist_page(member))["Sholay"] == "Now on Netflix"


def test_an_outage_leaves_the_watchlist_intact(member, tmdb_api):
    member.post("/api/watchlist", json={"id": SHOLAY})
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    tmdb_api.fail(500, times=100000)
    html = watchlist_page(member)
    assert marks(html) == {"Sholay": None}
    assert "Availability unavailable right now." in html
    data = json.loads(member.get("/account/export").get_data(True))
    assert data["watchlist"][0]["watch_last_seen"] is None  # nothing remembered from nothing


def test_without_services_the_page_says_how_to_choose_them(member):
    member.post("/api/watchlist", json={"id": SHOLAY})
    html = watchlist_page(member)
    assert marks(html) == {"Sholay": None}
    assert "Choose your region and services" in html


def test_without_a_tmdb_key_the_page_is_as_before(make_app):
    member = signed_in(make_app())
    member.post("/api/watchlist", json={"id": "Q949228"})
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    html = watchlist_page(member)
    assert marks(html) == {"Sholay": None}
    assert 'id="watchlist-watch"' not in html


def test_the_enriched_catalogs_watchlist_is_marked(make_app, tmdb_api):
    member = signed_in(
        make_app(TMDB_API_KEY=tmdb.API_KEY, TMDB_BASE_URL=f"{tmdb_api.url}/3", ENRICH_WAIT=5.0)
    )
    member.post("/api/watchlist", json={"id": "Q949228"})  # the catalog's Sholay
    member.put("/api/me/watch", json={"region": "IN", "services": [8]})
    assert marks(watchlist_page(member)) == {"Sholay": "Now on Netflix"}
