"""The HTTP API on the real embedded catalog: shapes, behaviour and every error path."""

import pytest

import emotionpix
from emotionpix.emotion.registry import DEFAULT_MODEL
from emotionpix.recommend.mapping import DEFAULT_GENRES
from tests.fakes import MOVIE_FIELDS


@pytest.mark.parametrize(("emotion", "genre"), sorted(DEFAULT_GENRES.items()))
def test_every_emotion_gets_a_full_page_of_its_genre(client, emotion, genre):
    body = client.get(f"/api/recommendations?emotion={emotion}").get_json()
    assert (body["emotion"], body["genre"], body["mode"]) == (emotion, genre, "match")
    assert body["blend"] is None
    assert body["source"] in {"provider", "cache"}
    assert len(body["movies"]) == 20
    for movie in body["movies"]:
        assert set(movie) == MOVIE_FIELDS | {"reason"}
        assert movie["reason"].endswith(f"picked for your {emotion} mood")
        assert genre in movie["genres"]
        assert movie["rating"] >= 7.0
        assert movie["votes"] >= 10
        assert 1970 <= movie["year"] <= 2026
        # Wikidata also says "American English" or "British English" (core/filters.py)
        assert {"Hindi", "English", "American English", "British English"} & set(movie["languages"])


def all_ids(client, query):
    """Every film a recommendation query can page through (one seed)."""
    found, page, more = [], 1, True
    while more:
        body = client.get(f"/api/recommendations?{query}&seed=1&page={page}").get_json()
        found += [movie["id"] for movie in body["movies"]]
        page, more = page + 1, body["has_more"]
    return found


def first_40(client, query):
    return {
        movie["id"]
        for page in (1, 2)
        for movie in client.get(f"/api/recommendations?{query}&seed=1&page={page}").get_json()[
            "movies"
        ]
    }


@pytest.mark.parametrize(
    ("emotion", "misfits"),
    [
        ("happy", {"Q72962", "Q181086", "Q182692"}),  # Reservoir Dogs, Clockwork Orange, ...
        ("sad", {"Q162255", "Q182692"}),  # The Terminator, Apocalypse Now
        ("fear", {"Q201819", "Q182692"}),  # District 9, Apocalypse Now
    ],
)
def test_films_that_merely_carry_the_genre_are_not_recommended(client, emotion, misfits):
    assert not misfits & set(all_ids(client, f"emotion={emotion}"))


def test_sad_and_neutral_first_pages_differ(client):
    assert len(first_40(client, "emotion=sad") & first_40(client, "emotion=neutral")) < 15


def test_the_best_known_films_are_spread_across_the_moods(client):
    firsts = [first_40(client, f"emotion={emotion}") for emotion in DEFAULT_GENRES]
    everywhere = {i for i in set.union(*firsts) if sum(i in f for f in firsts) >= 4}
    assert everywhere == set()


def test_lift_mode(client):
    body = client.get("/api/recommendations?emotion=sad&mode=lift").get_json()
    assert (body["mode"], body["genre"]) == ("lift", "Comedy")
    assert all("Comedy" in movie["genres"] for movie in body["movies"])
    assert all(movie["reason"].endswith("to lift your sad mood") for movie in body["movies"])


def test_close_call_blends_the_two_moods(client):
    body = client.get("/api/recommendations?emotions=happy:0.48,surprise:0.41").get_json()
    assert body["emotion"] == "happy"
    assert [(part["emotion"], part["genre"]) for part in body["blend"]] == [
        ("happy", "Comedy"),
        ("surprise", "Adventure"),
    ]
    reasons = [movie["reason"] for movie in body["movies"]]
    assert any(r.endswith("picked for the surprise in your mood too") for r in reasons)
    assert any(r.endswith("picked for your happy mood") for r in reasons)


def test_a_clear_emotion_is_not_blended(client):
    body = client.get("/api/recommendations?emotion=happy&emotions=happy:0.9,sad:0.05")
    assert body.get_json()["blend"] is None


def test_emotion_table_lists_both_modes(client):
    body = client.get("/api/emotions").get_json()
    assert body["emotions"] == DEFAULT_GENRES
    assert body["lift"]["sad"] == "Comedy"
    assert set(body["lift"]) == set(DEFAULT_GENRES)


def test_second_request_is_served_from_cache_and_counted(client):
    assert client.get("/api/recommendations?emotion=happy").get_json()["source"] == "provider"
    assert client.get("/api/recommendations?emotion=happy").get_json()["source"] == "cache"
    stats = client.get("/api/cache/stats").get_json()
    assert stats == {"hits": 1, "misses": 1, "hit_rate": 0.5, "provider_calls": 1, "entries": 1}


def test_cache_stats_before_any_request(client):
    assert client.get("/api/cache/stats").get_json() == {
        "hits": 0,
        "misses": 0,
        "hit_rate": 0.0,
        "provider_calls": 0,
        "entries": 0,
    }


def test_version_names_the_release_and_the_expression_model(client):
    assert client.get("/api/version").get_json() == {
        "version": emotionpix.__version__,
        "emotion_model": DEFAULT_MODEL,
    }


def test_paging_with_a_seed(client):
    first = client.get("/api/recommendations?emotion=sad&seed=5").get_json()
    second = client.get("/api/recommendations?emotion=sad&seed=5&page=2").get_json()
    assert first["seed"] == second["seed"] == 5
    assert first["has_more"]
    assert first["page"] == 1
    assert second["page"] == 2
    assert not {m["id"] for m in first["movies"]} & {m["id"] for m in second["movies"]}


def test_two_plain_requests_show_different_first_pages(client):
    one = client.get("/api/recommendations?emotion=angry").get_json()
    two = client.get("/api/recommendations?emotion=angry").get_json()
    assert [m["id"] for m in one["movies"]] != [m["id"] for m in two["movies"]]


def test_configured_mapping_is_used(make_app):
    client = make_app(EMOTION_GENRES={"disgust": "Documentary"}).test_client()
    body = client.get("/api/recommendations?emotion=disgust").get_json()
    assert body["genre"] == "Documentary"
    assert client.get("/api/emotions").get_json()["emotions"]["disgust"] == "Documentary"


def test_search_finds_films_people_type(client):
    body = client.get("/api/search?q=3%20idiots").get_json()
    assert body["query"] == "3 idiots"
    assert body["movies"][0]["title"] == "3 Idiots"
    assert set(body["movies"][0]) == MOVIE_FIELDS
    assert client.get("/api/search?q=3%20Idiots").get_json()["source"] == "cache"


def test_search_without_matches_is_an_empty_list(client):
    assert client.get("/api/search?q=qqqzzzx").get_json()["movies"] == []


def test_movie_details(client):
    movie = client.get("/api/movies/Q949228").get_json()
    assert (movie["title"], movie["year"], movie["languages"]) == ("Sholay", 1975, ["Hindi"])
    assert movie["poster_url"] is None
    assert "Ramesh Sippy" in movie["overview"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/recommendations", 400, "invalid_emotion"),
        ("/api/recommendations?emotion=bored", 400, "invalid_emotion"),
        ("/api/recommendations?emotion=happy&page=0", 400, "invalid_page"),
        ("/api/recommendations?emotion=happy&page=two", 400, "invalid_page"),
        ("/api/recommendations?emotion=happy&page=99999999999999999999", 400, "invalid_page"),
        ("/api/recommendations?emotion=happy&seed=abc", 400, "invalid_seed"),
        ("/api/recommendations?emotion=happy&mode=cheer", 400, "invalid_mode"),
        ("/api/recommendations?emotions=happy", 400, "invalid_emotions"),
        ("/api/recommendations?emotions=happy:lots", 400, "invalid_emotions"),
        ("/api/recommendations?emotions=happy:0.5,happy:0.4", 400, "invalid_emotions"),
        ("/api/recommendations?emotions=bored:0.5", 400, "invalid_emotions"),
        ("/api/recommendations?emotions=happy:nan", 400, "invalid_emotions"),
        ("/api/search", 400, "empty_query"),
        ("/api/search?q=%20%20", 400, "empty_query"),
        ("/api/search?q=" + "a" * 201, 400, "query_too_long"),
        ("/api/movies/Q0", 404, "movie_not_found"),
        ("/api/nothing-here", 404, "not_found"),
    ],
)
def test_errors_are_json_with_a_code_and_message(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == code
    assert body["message"]


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/search?q=x")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_provider_failure_with_nothing_cached_is_a_503(app, client, monkeypatch):
    from emotionpix.providers import ProviderError
    from emotionpix.wiring import recommender

    def broken(*_args, **_kwargs):
        raise ProviderError("down")

    monkeypatch.setattr(recommender(app).provider, "discover", broken)
    response = client.get("/api/recommendations?emotion=happy")
    assert response.status_code == 503
    assert response.get_json()["error"] == "service_unavailable"


def test_unexpected_errors_become_a_json_500_without_details(app, client, monkeypatch):
    from emotionpix.wiring import recommender

    def crash(*_args, **_kwargs):
        raise KeyError("secret internals")

    monkeypatch.setattr(recommender(app), "search", crash)
    response = client.get("/api/search?q=x")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side. Please try again.",
    }
