"""A provider is one file: tests/standins/tiny_provider.py, registered and nothing more,
serves its films through the API and the page, with its poster origin allowed by the page's
Content-Security-Policy and its own setting read like any other."""

from collections.abc import Iterator

import pytest

from emotionpix.config import ConfigError
from emotionpix.providers import register, unregister
from tests.standins import tiny_provider


@pytest.fixture
def tiny() -> Iterator[None]:
    register(tiny_provider.PROVIDER)
    yield
    unregister(tiny_provider.PROVIDER.name)


def test_the_tiny_provider_serves_its_films(make_app, tiny):
    client = make_app(PROVIDER="tiny").test_client()
    body = client.get("/api/recommendations?emotion=happy").get_json()
    assert body["source"] == "provider"
    assert {m["id"] for m in body["movies"]} == {"tiny-1", "tiny-2"}  # its comedies
    assert all(m["poster_url"].startswith(f"{tiny_provider.POSTERS}/") for m in body["movies"])
    movie = client.get("/api/movies/tiny-3").get_json()
    assert (movie["title"], movie["genres"]) == ("The Long Winter", ["Drama"])
    assert client.get("/api/movies/tiny-4").status_code == 404
    found = client.get("/api/search?q=lantern").get_json()
    assert [m["id"] for m in found["movies"]] == ["tiny-2"]


def test_the_page_allows_its_posters_and_credits_it(make_app, tiny):
    response = make_app(PROVIDER="tiny").test_client().get("/?emotion=happy")
    policy = response.headers["Content-Security-Policy"]
    assert f"img-src 'self' data: blob: https: {tiny_provider.POSTERS};" in policy
    assert "Films from the tiny test provider." in response.get_data(as_text=True)


def test_its_own_setting_is_read_like_the_apps(make_app, tiny):
    client = make_app(PROVIDER="tiny", TINY_POSTERS="http://127.0.0.1:8765").test_client()
    policy = client.get("/").headers["Content-Security-Policy"]
    assert " http://127.0.0.1:8765;" in policy
    assert tiny_provider.POSTERS not in policy
    poster = client.get("/api/movies/tiny-1").get_json()["poster_url"]
    assert poster == "http://127.0.0.1:8765/tiny-1.jpg"


def test_an_unregistered_provider_is_refused_with_the_known_names(make_app):
    with pytest.raises(ConfigError, match="PROVIDER must be catalog, imdb236 or tmdb, got 'tiny'"):
        make_app(PROVIDER="tiny")
