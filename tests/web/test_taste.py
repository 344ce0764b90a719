"""The taste through the API: feedback for signed-in viewers (kept with the account) and
guests (kept in their browser only), what it changes in the grid, "more like this", reset,
opting out, export and deletion."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from emotionpix.auth.personal import PERSONAL_TABLES
from emotionpix.cache.sql import cache_entries
from emotionpix.taste import compact
from emotionpix.taste.features import FEELS
from emotionpix.wiring import database
from tests.accounts import csrf_token
from tests.web.test_library import member  # noqa: F401  (the signed-in client fixture)

# How a film feels (taste/features.py's FEELS): light, and heavy.
LIGHT = FEELS["light"]
HEAVY = FEELS["heavy"]
ANIMATED = ("Up", "Toy Story", "WALL-E", "Finding Nemo", "My Neighbor Totoro")
SEEDS = range(1, 6)


def film_id(client, title: str) -> str:
    found = client.get("/api/search", query_string={"q": title}).get_json()["movies"]
    return next(m["id"] for m in found if m["title"] == title)


def grid(client, emotion: str = "neutral", **params) -> dict:
    answer = client.get("/api/recommendations", query_string={"emotion": emotion, **params})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def animated(movies) -> int:
    return sum("Animation" in m["genres"] for m in movies)


@pytest.fixture
def guest(app):
    """A guest's client with the CSRF header the page's script sends."""
    client = app.test_client()
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def test_not_for_me_never_comes_back_in_any_mood_page_or_seed(member):  # noqa: F811
    first = grid(member, "happy", seed=3)["movies"][0]["id"]
    said = member.post(
        "/api/feedback", json={"movie_id": first, "verdict": "dislike", "emotion": "happy"}
    )
    assert said.status_code == 201
    assert said.get_json()["hidden"] == "everywhere"
    for emotion in ("happy", "surprise", "sad"):
        for mode in ("match", "lift"):
            for seed in (1, 3, 9):
                page, ids = 1, []
                while True:
                    answer = grid(member, emotion, mode=mode, seed=seed, page=page)
                    ids += [m["id"] for m in answer["movies"]]
                    if not answer["has_more"]:
                        break
                    page += 1
                assert first not in ids, (emotion, mode, seed)


def test_not_in_the_mood_only_moves_a_film_out_of_that_mood(member):  # noqa: F811
    toy_story = film_id(member, "Toy Story")

    def everything(emotion: str, mode: str) -> list[str]:
        ids, page = [], 1
        while True:
            answer = grid(member, emotion, mode=mode, seed=2, page=page)
            ids += [m["id"] for m in answer["movies"]]
            if not answer["has_more"]:
                return ids
            page += 1

    assert toy_story in everything("happy", "match")
    said = member.post(
        "/api/feedback",
        json={
            "movie_id": toy_story,
            "verdict": "dislike",
            "reason": "not-in-mood",
            "emotion": "happy",
        },
    )
    assert said.get_json()["hidden"] == "mood"
    assert toy_story not in everything("happy", "match")
    assert toy_story in everything("sad", "lift")  # Toy Story lifts a sad mood: still there


def test_sad_and_wanting_cheering_up_brings_the_lifting_films_in(member):  # noqa: F811
    def light(movies) -> int:
        return sum(
            bool(LIGHT.intersection(m["tones"])) and not HEAVY & set(m["tones"]) for m in movies
        )

    before = grid(member, "sad", seed=4)["movies"]
    lifting = {m["id"] for m in grid(member, "sad", mode="lift", seed=4)["movies"]}
    heavy = [m for m in before if HEAVY & set(m["tones"]) and not LIGHT & set(m["tones"])][:2]
    assert len(heavy) == 2
    for movie in heavy:
        said = member.post(
            "/api/feedback",
            json={
                "movie_id": movie["id"],
                "verdict": "dislike",
                "reason": "not-in-mood",
                "emotion": "sad",
            },
        )
        assert said.status_code == 201
    after = grid(member, "sad", seed=4)
    assert after["mode"] == "match"
    assert after["tuned"] is True
    assert after["wished"] == "lift"  # the page says the lifting films came in, and why
    assert light(after["movies"]) >= light(before) + 5
    assert lifting.intersection(m["id"] for m in after["movies"])
    assert any("lift" in m["reason"].casefold() for m in after["movies"]), after["movies"][0]
    # said when sad: the fearful grid keeps its own rules
    assert grid(member, "fear", seed=4)["wished"] is None


def test_liking_five_animated_films_brings_more_to_the_neutral_grid(member):  # noqa: F811
    before = {seed: animated(grid(member, seed=seed)["movies"]) for seed in SEEDS}
    assert grid(member, seed=1)["tuned"] is False
    for title in ANIMATED:
        answer = member.post(
            "/api/feedback",
            json={"movie_id": film_id(member, title), "verdict": "like", "emotion": "happy"},
        )
        assert answer.status_code == 201
    for seed in SEEDS:
        after = grid(member, seed=seed)
        assert after["tuned"] is True
        assert animated(after["movies"]) > before[seed], seed
    happy = grid(member, "happy", seed=1)["movies"]
    assert any("which you liked" in m["reason"] for m in happy)
    taste = member.get("/api/taste").get_json()
    assert taste["signals"] == 5
    assert taste["tuned"]
    assert taste["learning"]
    assert "genre:animation" in [f["feature"] for f in taste["top"]]


def test_a_taste_keeps_variety_on_the_first_page(member):  # noqa: F811
    for title in ANIMATED:
        member.post("/api/feedback", json={"movie_id": film_id(member, title), "verdict": "like"})
    movies = grid(member, "happy", seed=4)["movies"]
    assert animated(movies) < len(movies)  # more animated films, never only them
    assert len({g for m in movies for g in m["genres"]}) >= 5


def test_similar_films_to_an_animated_film_are_mostly_animated(client):
    up = film_id(client, "Up")
    answer = client.get(f"/api/movies/{up}/similar")
    assert answer.status_code == 200
    movies = answer.get_json()["movies"]
    assert len(movies) >= 8
    assert up not in [m["id"] for m in movies]
    assert animated(movies) > len(movies) / 2
    assert all(m["reason"].startswith("Like Up") for m in movies)
    assert any("Animation" in m["reason"] for m in movies)


def test_similar_needs_a_known_film(client):
    assert client.get("/api/movies/nope-123/similar").status_code == 404
    assert client.get("/api/movies/%20bad/similar").status_code == 404


def test_similar_works_with_tmdb(make_app, tmdb_config):
    client = make_app(**tmdb_config).test_client()
    family = client.get("/api/search", query_string={"q": "Family Story 4"}).get_json()["movies"]
    film = next(m for m in family if m["title"] == "Family Story 4")
    answer = client.get(f"/api/movies/{film['id']}/similar").get_json()
    assert answer["source"] == "provider"
    ids = [m["id"] for m in answer["movies"]]
    assert ids
    assert film["id"] not in ids
    assert all("Family" in m["genres"] for m in answer["movies"])


def test_similar_leaves_out_what_a_member_said_not_for_me_to(member):  # noqa: F811
    up = film_id(member, "Up")
    first = member.get(f"/api/movies/{up}/similar").get_json()["movies"][0]["id"]
    member.post("/api/feedback", json={"movie_id": first, "verdict": "dislike"})
    assert first not in [
        m["id"] for m in member.get(f"/api/movies/{up}/similar").get_json()["movies"]
    ]


def rows_in_personal_tables(app) -> int:
    with database(app).connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in PERSONAL_TABLES
        )


def cache_keys(app) -> set[str]:
    with database(app).connect() as conn:
        return set(conn.execute(select(cache_entries.c.key)).scalars())


def test_a_guest_taste_lives_in_the_browser_and_nothing_is_kept(app, guest):
    taste = None
    for title in ANIMATED:
        body = {"movie_id": film_id(guest, title), "verdict": "like", "emotion": "happy"}
        if taste:
            body["taste"] = taste
        answer = guest.post("/api/feedback", json=body)
        assert answer.status_code == 200
        assert answer.get_json()["kept"] is False
        taste = answer.get_json()["taste"]
    assert len(taste) <= 1600
    disliked = grid(guest, "happy", seed=1, taste=taste)["movies"][0]["id"]
    taste = guest.post(
        "/api/feedback", json={"movie_id": disliked, "verdict": "dislike", "taste": taste}
    ).get_json()["taste"]
    plain = grid(guest, seed=1)
    before_keys = cache_keys(app)
    tuned = grid(guest, seed=1, taste=taste)
    assert tuned["tuned"] is True
    assert plain["tuned"] is False
    assert animated(tuned["movies"]) > animated(plain["movies"])
    for seed in SEEDS:
        assert disliked not in [
            m["id"] for m in grid(guest, "happy", seed=seed, taste=taste)["movies"]
        ]
    assert guest.get("/api/taste", query_string={"taste": taste}).get_json()["signals"] == 6
    assert rows_in_personal_tables(app) == 0
    assert not any(taste in key or taste[:40] in key for key in cache_keys(app))
    assert cache_keys(app) == before_keys  # the films' entries are everyone's: nothing new


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"verdict": "like"}, "movie_not_found"),
        ({"movie_id": "Q174811"}, "invalid_verdict"),
        ({"movie_id": "Q174811", "verdict": "love"}, "invalid_verdict"),
        ({"movie_id": "Q174811", "verdict": "dislike", "reason": "boring"}, "invalid_reason"),
        ({"movie_id": "Q174811", "verdict": "like", "reason": "too-long"}, "invalid_reason"),
        ({"movie_id": "Q174811", "verdict": "like", "emotion": "bored"}, "invalid_emotion"),
        ({"movie_id": "Q174811", "verdict": "like", "mode": "sideways"}, "invalid_mode"),
        ({"movie_id": "Q174811", "verdict": "like", "taste": "!!!"}, "invalid_taste"),
        ({"movie_id": "Q174811", "verdict": "like", "taste": 5}, "invalid_taste"),
    ],
)
def test_bad_feedback_is_a_4xx_with_a_reason(guest, body, code):
    answer = guest.post("/api/feedback", json=body)
    assert 400 <= answer.status_code < 500
    assert answer.get_json()["error"] == code


def test_feedback_needs_the_csrf_token(client):
    answer = client.post("/api/feedback", json={"movie_id": "Q174811", "verdict": "like"})
    assert answer.status_code == 400


@pytest.mark.parametrize("taste", ["x" * 1700, "eJzLSM3JyVcozy_KSQEAGgQEXQ", "%%%", "AAAA"])
def test_a_taste_the_app_did_not_write_is_refused(client, taste):
    answer = client.get("/api/recommendations", query_string={"emotion": "happy", "taste": taste})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_taste"


def test_reset_forgets_and_opting_out_stops_learning(member, app):  # noqa: F811
    up = film_id(member, "Up")
    member.post("/api/feedback", json={"movie_id": up, "verdict": "like"})
    assert member.get("/api/taste").get_json()["tuned"] is True
    assert member.delete("/api/taste").get_json() == {"forgotten": 1}
    assert member.get("/api/taste").get_json()["signals"] == 0
    token = csrf_token(member, "/account")
    member.post("/account/taste", data={"csrf_token": token})  # the box left unticked: off
    liked = member.post("/api/feedback", json={"movie_id": up, "verdict": "like"})
    assert liked.get_json()["kept"] is False
    nemo = film_id(member, "Finding Nemo")
    assert member.post("/api/feedback", json={"movie_id": nemo, "verdict": "dislike"}).get_json()[
        "kept"
    ]
    taste = member.get("/api/taste").get_json()
    assert taste == {**taste, "learning": False, "tuned": False, "hidden": 1}
    assert nemo not in [m["id"] for m in grid(member, "happy", seed=1)["movies"]]
    member.post("/account/taste", data={"enabled": "on", "csrf_token": token})
    assert member.get("/api/taste").get_json()["learning"] is True


def test_export_holds_the_signals_and_the_taste_page_offers_reset(member):  # noqa: F811
    up = film_id(member, "Up")
    member.post("/api/feedback", json={"movie_id": up, "verdict": "like", "emotion": "sad"})
    data = json.loads(member.get("/account/export").get_data(True))
    assert [(s["movie_id"], s["verdict"], s["emotion"]) for s in data["taste_signals"]] == [
        (up, "like", "sad")
    ]
    assert "genre:animation" in data["taste_signals"][0]["features"]
    page = member.get("/account").get_data(True)
    assert "Reset my taste" in page
    assert "Learn from what I say about films" in page


def test_a_page_link_carrying_a_taste_does_not_speak_for_the_guest(guest):
    # A guest's taste comes with the page's own API calls, from their browser. A link to the
    # page with a taste in it (anyone can write one) must not put its words in the reasons.
    taste = None
    for title in ANIMATED:
        body = {"movie_id": film_id(guest, title), "verdict": "like", "emotion": "neutral"}
        if taste:
            body["taste"] = taste
        taste = guest.post("/api/feedback", json=body).get_json()["taste"]
    crafted = compact.decode(taste)
    crafted.liked = [(i, "Call 555-0100 to claim your prize", own) for i, _, own in crafted.liked]
    link = compact.encode(crafted)
    api = grid(guest, seed=1, taste=link)
    assert any("Call 555-0100" in m["reason"] for m in api["movies"])  # the API reads it
    page = guest.get("/", query_string={"emotion": "neutral", "seed": 1, "taste": link})
    assert page.status_code == 200
    assert "Call 555-0100" not in page.get_data(as_text=True)
