"""The app on real movie APIs (local stand-ins of TMDB and IMDb236 over HTTP): posters and
trailers, attribution, and what users get when the provider fails — never a 500, never an
empty page, never a key in sight."""

import time
from pathlib import Path

import pytest

from tests.standins import imdb236, tmdb

pytestmark = pytest.mark.integration  # real HTTP stand-ins on 127.0.0.1


@pytest.fixture
def tmdb_client(make_app, tmdb_config):
    return make_app(**tmdb_config).test_client()


def recommend(client, emotion="happy"):
    response = client.get(f"/api/recommendations?emotion={emotion}")
    assert response.status_code == 200
    return response.get_json()


def test_recommendations_from_tmdb_have_posters_and_are_cached(tmdb_client, tmdb_api):
    first = recommend(tmdb_client)
    assert (first["source"], first["genre"], len(first["movies"])) == ("provider", "Comedy", 20)
    assert all(m["poster_url"].startswith(f"{tmdb_api.url}/t/p/w342/") for m in first["movies"])
    assert all("Comedy" in m["genres"] and m["votes"] >= 1000 for m in first["movies"])
    calls = len(tmdb_api.requests)
    assert recommend(tmdb_client)["source"] == "cache"
    assert len(tmdb_api.requests) == calls


def test_indian_films_are_spotlighted_with_tmdb(tmdb_client):
    body = tmdb_client.get("/api/recommendations?emotion=sad&seed=3").get_json()
    indian = [m for m in body["movies"] if "India" in m["countries"]]
    assert len(indian) >= 3  # every 4th slot of the ranking: TMDB's lists are tagged by origin


def test_details_from_tmdb_with_trailer_and_cast(tmdb_client):
    movie = tmdb_client.get("/api/movies/20453").get_json()
    assert movie["title"] == "3 Idiots"
    assert movie["cast"][0] == "Aamir Khan"
    assert movie["trailer_url"] == "https://www.youtube.com/watch?v=K0eDlFX9GMc"
    assert tmdb_client.get("/api/movies/424242").status_code == 404


def test_the_page_credits_tmdb(tmdb_client):
    html = tmdb_client.get("/?emotion=happy").get_data(as_text=True)
    assert (
        html.count("This product uses the TMDB API but is not endorsed or certified by TMDB") == 2
    )
    assert "https://www.themoviedb.org/" in html


def test_a_provider_that_goes_down_mid_session(tmdb_client, tmdb_api):
    assert recommend(tmdb_client, "happy")["source"] == "provider"
    tmdb_api.stop()
    assert recommend(tmdb_client, "happy")["source"] == "cache"
    fallback = recommend(tmdb_client, "sad")
    assert fallback["source"] == "fallback"
    assert len(fallback["movies"]) == 20
    assert all(m["id"].startswith("Q") for m in fallback["movies"])  # the embedded catalog
    assert tmdb_client.get("/api/search?q=sholay").get_json()["source"] == "fallback"
    assert tmdb_client.get("/api/movies/Q949228").status_code == 200  # in the catalog too
    unreachable = tmdb_client.get("/api/movies/20453")
    assert unreachable.status_code == 503
    assert unreachable.get_json()["error"] == "service_unavailable"
    page = tmdb_client.get("/?emotion=fear").get_data(as_text=True)
    assert "come from the built-in catalog" in page
    stats = tmdb_client.get("/api/stats").get_json()
    assert stats["cache"]["fallback_answers"] >= 3
    assert stats["provider"]["errors"] >= 1
    tmdb_api.start()


def test_an_expired_answer_stands_in_while_the_provider_fails(make_app, tmdb_config, tmdb_api):
    client = make_app(**tmdb_config, CACHE_TTL=0).test_client()
    assert recommend(client)["source"] == "provider"
    tmdb_api.fail(500, times=100000)
    assert recommend(client)["source"] == "stale"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda api: api.fail(401, times=1000), id="401"),
        pytest.param(
            lambda api: api.fail(429, times=1000, headers={"Retry-After": "60"}), id="429"
        ),
        pytest.param(lambda api: api.fail(502, times=1000), id="502"),
        pytest.param(lambda api: api.malformed(times=1000), id="not-json"),
        pytest.param(lambda api: setattr(api, "delay", 1.5), id="slower-than-timeout"),
    ],
)
@pytest.mark.parametrize("provider", ["tmdb", "imdb236"])
def test_every_failure_degrades_to_the_catalog(make_app, request, provider, fault):
    api = request.getfixturevalue(f"{provider}_api")
    client = make_app(**remote_config(provider, api)).test_client()
    fault(api)
    body = recommend(client, "angry")
    assert (body["source"], len(body["movies"])) == ("fallback", 20)
    search = client.get("/api/search?q=inception")
    assert (search.status_code, search.get_json()["source"]) == (200, "fallback")


def remote_config(provider, api):
    if provider == "tmdb":
        keys = {"TMDB_API_KEY": tmdb.API_KEY, "TMDB_BASE_URL": f"{api.url}/3"}
    else:
        keys = {"RAPIDAPI_KEY": imdb236.API_KEY, "IMDB236_BASE_URL": f"{api.url}/api/imdb"}
    return {"PROVIDER": provider, "PROVIDER_RETRIES": 1, "PROVIDER_TIMEOUT": 1.0, **keys}


def test_a_dead_provider_costs_no_more_calls_once_the_circuit_opens(
    make_app, tmdb_config, tmdb_api
):
    client = make_app(**tmdb_config, PROVIDER_FAILURES_TO_OPEN=2).test_client()
    tmdb_api.fail(500, times=100000)
    for emotion in ("happy", "sad", "angry"):
        assert recommend(client, emotion)["source"] == "fallback"
    calls = len(tmdb_api.requests)
    for emotion in ("surprise", "fear", "disgust"):
        assert recommend(client, emotion)["source"] == "fallback"
    assert len(tmdb_api.requests) == calls
    provider = client.get("/api/stats").get_json()["provider"]
    assert (provider["circuit"], provider["refused"] >= 3) == ("open", True)


def test_empty_results_are_an_empty_list(tmdb_client):
    body = tmdb_client.get("/api/search?q=nothing+like+this+exists").get_json()
    assert (body["source"], body["movies"]) == ("provider", [])


def test_keys_never_reach_pages_answers_or_the_database(make_app, tmdb_config, tmdb_api, tmp_path):
    client = make_app(**tmdb_config).test_client()
    seen = [
        client.get(url).get_data(as_text=True)
        for url in (
            "/",
            "/?emotion=happy",
            "/api/recommendations?emotion=sad",
            "/api/search?q=sholay",
            "/api/movies/8392",
            "/api/stats",
            "/api/cache/stats",
        )
    ]
    tmdb_api.fail(401, times=5)
    seen.append(client.get("/api/search?q=dangal").get_data(as_text=True))
    database = Path(tmp_path / "instance" / "emotionpix.sqlite3")
    stored = b"".join(p.read_bytes() for p in database.parent.glob("emotionpix.sqlite3*"))
    assert stored
    assert not [text for text in seen if tmdb.API_KEY in text]
    assert tmdb.API_KEY.encode() not in stored


def test_imdb236_as_the_paper_had_it(make_app, imdb236_api):
    client = make_app(**remote_config("imdb236", imdb236_api)).test_client()
    body = recommend(client, "fear")
    assert (body["source"], body["genre"]) == ("provider", "Horror")
    assert all(m["id"].startswith("tt") for m in body["movies"])
    assert client.get("/api/movies/tt0073707").get_json()["director"] == "Ramesh Sippy"
    assert client.get("/api/movies/tt0000001").status_code == 404
    provider = client.get("/api/stats").get_json()["provider"]
    assert provider["name"] == "imdb236"
    assert int(provider["quota"]["x-ratelimit-requests-remaining"]) < imdb236.QUOTA


def enriching(make_app, tmdb_api, **config):
    return make_app(
        TMDB_API_KEY=tmdb.API_KEY, TMDB_BASE_URL=f"{tmdb_api.url}/3", **config
    ).test_client()


def test_catalog_films_gain_tmdb_posters_plots_and_trailers(make_app, tmdb_api):
    client = enriching(make_app, tmdb_api, ENRICH_WAIT=5.0)
    sholay = client.get("/api/search?q=sholay").get_json()["movies"][0]
    assert sholay["id"] == "Q949228"  # still the catalog's film
    assert sholay["poster_url"] == f"{tmdb_api.url}/t/p/w342/poster8392.png"
    assert sholay["overview"].startswith("A retired police officer")
    details = client.get("/api/movies/Q949228").get_json()
    assert details["trailer_url"] == "https://www.youtube.com/watch?v=sholayTrailer"
    page = client.get("/").get_data(as_text=True)
    assert "not endorsed or certified by TMDB" in page
    assert "Wikidata" in page
    before = len(tmdb_api.requests)
    client.get("/api/search?q=sholay")
    assert len(tmdb_api.requests) == before  # remembered


def test_a_slow_tmdb_never_holds_a_page_back(make_app, tmdb_api):
    client = enriching(make_app, tmdb_api, ENRICH_WAIT=0.05)
    tmdb_api.delay = 0.5
    first = client.get("/api/search?q=sholay").get_json()["movies"][0]
    assert first["poster_url"] is None  # not waited for
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the lookup finished in the background
        movie = client.get("/api/search?q=sholay").get_json()["movies"][0]
        if movie["poster_url"]:
            break
        time.sleep(0.1)
    assert movie["poster_url"] == f"{tmdb_api.url}/t/p/w342/poster8392.png"
    assert client.get("/api/stats").get_json()["enrichment"]["late"] >= 1


def test_a_failing_tmdb_costs_the_catalog_only_its_posters(make_app, tmdb_api):
    client = enriching(make_app, tmdb_api, ENRICH_WAIT=2.0)
    tmdb_api.fail(500, times=100000)
    body = client.get("/api/recommendations?emotion=happy").get_json()
    assert (body["source"], len(body["movies"])) == ("provider", 20)
    assert all(m["poster_url"] is None for m in body["movies"])
