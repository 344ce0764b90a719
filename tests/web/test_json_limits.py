"""The viewer's JSON API (issue 29). Request bodies have a size and a nesting limit (finding 7):
deeply nested or oversized bodies sent to any endpoint that reads JSON are a 4xx
``invalid_json``, never a 500 (Python's parser recursed into a RecursionError). And what
is personal is never kept by a browser or proxy cache (finding 13)."""

from __future__ import annotations

import json

import pytest

from emotionpix.core.errors import InvalidInput
from emotionpix.web.api import MAX_JSON_BYTES, MAX_JSON_DEPTH
from tests.accounts import console, csrf_token, verified_user

# Every endpoint that reads a JSON body (request.get_json).
JSON_ENDPOINTS = ["/api/watchlist", "/api/seen", "/api/moods", "/api/feedback", "/api/me/watch"]
PUT = {"/api/me/watch"}  # the others are POSTed

HOSTILE = {
    "60,000 open brackets": ("[" * 60_000, 400),
    "100,000 open brackets": ("[" * 100_000, 413),
    "objects 5,000 deep": ('{"a":' * 5000 + "1" + "}" * 5000, 400),
    "arrays 5,000 deep, closed": ("[" * 5000 + "]" * 5000, 400),
    "one level too deep": ('{"id": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}", 400),
    "a 100 KB id": (json.dumps({"id": "x" * 100_000}), 413),
    "a megabyte of spaces": ('{"id": "tt0073707"' + " " * 1_000_000 + "}", 413),
}


@pytest.fixture
def member(app):
    """A signed-in client with a verified account, and the CSRF header its page would send."""
    client = app.test_client()
    verified_user(client, console(app), "jo@example.com")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def test_the_list_of_json_endpoints_is_complete(app):
    posted = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and rule.methods & {"POST", "PUT", "PATCH"}
        and not rule.rule.startswith("/api/rooms")  # tests/web/test_rooms.py sends them these
    }
    assert posted - {"/api/emotion"} == set(JSON_ENDPOINTS)  # /api/emotion reads images


@pytest.mark.parametrize("body", HOSTILE)
@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_hostile_bodies_are_invalid_json_never_a_500(member, path, body):
    data, status = HOSTILE[body]
    method = "PUT" if path in PUT else "POST"
    answer = member.open(path, method=method, data=data, content_type="application/json")
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"] == "invalid_json"
    assert answer.get_json()["message"]


def test_a_body_announced_too_long_is_refused_unread(member):
    answer = member.post(
        "/api/watchlist",
        data=b"{}",
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": str(MAX_JSON_BYTES + 1)},
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "invalid_json"


def test_bodies_within_the_limits_still_work(member):
    film = member.get("/api/recommendations?emotion=happy").get_json()["movies"][0]["id"]
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    answer = member.post(
        "/api/watchlist",
        data='{"id": "%s", "note": "[[{{", "extra": %s}' % (film, nested),  # noqa: UP031
        content_type="application/json",
    )
    assert answer.status_code == 201
    mood = member.post("/api/moods", json={"emotion": "happy", "source": "photo"})
    assert mood.status_code == 200


def test_the_apps_json_reader_checks_depth_without_recursion(app):
    with app.app_context(), pytest.raises(InvalidInput) as info:
        app.json.loads(b"[" * 60_000)
    assert info.value.code == "invalid_json"
    assert app.json.loads('{"a": "[[[[", "b": [1, {"c": []}]}') == {
        "a": "[[[[",
        "b": [1, {"c": []}],
    }


PERSONAL = ["/api/me", "/api/watchlist", "/api/seen", "/api/moods"]


@pytest.mark.parametrize("path", PERSONAL)
def test_personal_answers_are_never_stored(member, client, path):
    assert member.get(path).status_code == 200
    assert member.get(path).headers["Cache-Control"] == "no-store"
    assert client.get(path).headers["Cache-Control"] == "no-store"  # a guest's 401 or answer
    changed = member.post("/api/seen", data="[", content_type="application/json")
    assert (changed.status_code, changed.headers["Cache-Control"]) == (400, "no-store")
