"""The HTTP API on the real embedded catalog: shapes, behaviour and every error path."""

import pytest

import emotionpix
from emotionpix.emotion.registry import DEFAULT_MODEL
from emotionpix.recommend.mapping import DEFAULT_GENRES
from tests.fakes import MOVIE_FIELDS


@pytest.mark.parametrize(("emotion", "genre"), sorted(DEFAULT_GENRES.items()))
def test_every_emotion_gets_a_full_page_of_its_genre(client, emotion, genre):
    body = client.get(f"/api/recommendations?emotion={emotion}").get_json()
    assert (body["emotion"], body["genre"]) == (emotion, genre)
    assert body["source"] in {"provider", "cache"}
    assert len(body["movies"]) == 20
    for movie in body["movies"]:
        assert set(movie) == MOVIE_FIELDS
        assert genre in movie["genres"]
        assert movie["rating"] >= 7.0
        assert movie["votes"] >= 10
        assert 1970 <= movie["year"] <= 2026
        assert {"Hindi", "English"} & set(movie["languages"])


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
    from emotionpix.services import recommender

    def broken(*_args, **_kwargs):
        raise ProviderError("down")

    monkeypatch.setattr(recommender(app).provider, "discover", broken)
    response = client.get("/api/recommendations?emotion=happy")
    assert response.status_code == 503
    assert response.get_json()["error"] == "service_unavailable"


def test_unexpected_errors_become_a_json_500_without_details(app, client, monkeypatch):
    from emotionpix.services import recommender

    def crash(*_args, **_kwargs):
        raise KeyError("secret internals")

    monkeypatch.setattr(recommender(app), "search", crash)
    response = client.get("/api/search?q=x")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side. Please try again.",
    }
