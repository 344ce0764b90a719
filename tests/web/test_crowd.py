"""What the members like together, through the API: once five members who let the app learn
have liked animated films, a guest with no taste of their own gets more of them; fewer
members, members who turned learning off, guests, and deleted accounts count for nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from emotionpix.auth.personal import signals
from emotionpix.taste.crowd import MIN_MEMBERS
from emotionpix.wiring import database
from tests.accounts import console, csrf_token, verified_user
from tests.web.test_taste import ANIMATED, animated, film_id, grid

SEEDS = range(1, 4)


@pytest.fixture
def app(make_app):
    return make_app(CROWD_REFRESH=0)  # rebuilt on every request, so each step shows at once


def members(app, n: int, start: int = 0) -> list:
    """``n`` signed-in members, each with the CSRF header the page sends."""
    found = []
    for i in range(start, start + n):
        client = app.test_client()
        verified_user(client, console(app), f"fan{i}@example.com")
        client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
        found.append(client)
    return found


WAR_FILMS = ("Schindler's List", "Come and See", "Full Metal Jacket")


def like_animated_films(client) -> None:
    """Five animated films liked, three war films turned down, in the neutral grid (a crowd
    learns what its members like *more* than other films: likes alone say nothing)."""
    said = [(title, "like") for title in ANIMATED] + [(title, "dislike") for title in WAR_FILMS]
    for title, verdict in said:
        answer = client.post(
            "/api/feedback",
            json={"movie_id": film_id(client, title), "verdict": verdict, "emotion": "neutral"},
        )
        assert answer.status_code == 201


def test_five_members_liking_animated_films_bring_more_to_a_guest_s_grid(app):
    guest = app.test_client()
    before = {seed: grid(guest, seed=seed) for seed in SEEDS}
    assert not any(answer["crowd"] for answer in before.values())
    fans = members(app, MIN_MEMBERS)
    for fan in fans[:-1]:
        like_animated_films(fan)
    # Four members are not a crowd: nothing they said reaches anyone else.
    assert grid(guest, seed=1)["movies"] == before[1]["movies"]
    like_animated_films(fans[-1])
    for seed in SEEDS:
        after = grid(guest, seed=seed)
        assert after["crowd"] is True
        assert after["tuned"] is False  # the guest's own taste did nothing: the page says so
        assert animated(after["movies"]) > animated(before[seed]["movies"]), seed
        assert animated(after["movies"]) < len(after["movies"])  # variety kept
    # The same seed pages through the same order: nothing random between requests.
    assert grid(guest, seed=2) == grid(guest, seed=2)


def test_a_member_who_leaves_or_stops_learning_leaves_the_crowd(app):
    fans = members(app, MIN_MEMBERS)
    for fan in fans:
        like_animated_films(fan)
    guest = app.test_client()
    assert grid(guest, seed=1)["crowd"] is True
    quitter = fans[0]
    quitter.post("/account/delete", data={"confirm": "on", "csrf_token": csrf_token(quitter, "/")})
    assert grid(guest, seed=1)["crowd"] is False
    newcomer = members(app, 1, start=MIN_MEMBERS)[0]
    like_animated_films(newcomer)
    assert grid(guest, seed=1)["crowd"] is True
    token = csrf_token(newcomer, "/account")
    newcomer.post("/account/taste", data={"csrf_token": token})  # learning off
    assert grid(guest, seed=1)["crowd"] is False


def test_guests_never_make_a_crowd(app):
    for _ in range(MIN_MEMBERS + 2):
        guest = app.test_client()
        guest.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(guest, "/")
        taste = ""
        for title in ANIMATED:
            said = guest.post(
                "/api/feedback",
                json={
                    "movie_id": film_id(guest, title),
                    "verdict": "like",
                    "emotion": "neutral",
                    "taste": taste,
                },
            )
            assert said.status_code == 200  # a guest's: nothing kept
            taste = said.get_json()["taste"]
    assert grid(app.test_client(), seed=1)["crowd"] is False


def test_the_crowd_can_be_turned_off(make_app):
    app = make_app(CROWD=False, CROWD_REFRESH=0)
    for fan in members(app, MIN_MEMBERS):
        like_animated_films(fan)
    assert grid(app.test_client(), seed=1)["crowd"] is False


@pytest.fixture
def on_postgresql(make_app, postgres_url):
    app = make_app(CROWD_REFRESH=0, DATABASE_URL=postgres_url)
    yield app
    database(app).dispose()  # before the database is dropped


@pytest.mark.integration
def test_the_crowd_is_read_from_postgresql_too(on_postgresql):
    app = on_postgresql
    fans = members(app, MIN_MEMBERS)
    for fan in fans:
        like_animated_films(fan)
    guest = app.test_client()
    assert grid(guest, seed=1)["crowd"] is True
    token = csrf_token(fans[0], "/account")
    fans[0].post("/account/taste", data={"csrf_token": token})  # learning off: leaves it
    assert grid(guest, seed=1)["crowd"] is False


def test_a_signal_gone_odd_in_the_database_costs_only_itself(app):
    for fan in members(app, MIN_MEMBERS):
        like_animated_films(fan)
    with database(app).begin() as conn:
        first = conn.execute(select(signals.c.id).limit(1)).scalar_one()
        conn.execute(update(signals).where(signals.c.id == first).values(features="{not json"))
    answer = app.test_client().get("/api/recommendations", query_string={"emotion": "neutral"})
    assert answer.status_code == 200
    assert answer.get_json()["crowd"] is True
