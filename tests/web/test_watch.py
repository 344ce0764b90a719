"""Where to watch, against the TMDB stand-in (its documented watch-provider endpoints):
availability in details and on cards for two regions, the services filter, the JustWatch
credit wherever availability shows, an outage, one round trip per page, no key."""

import pytest

from tests.standins import tmdb

pytestmark = pytest.mark.integration  # a real HTTP stand-in on 127.0.0.1

CREDIT = "Data from JustWatch"


@pytest.fixture
def tmdb_client(make_app, tmdb_config):
    return make_app(**tmdb_config).test_client()


@pytest.fixture
def enriched_client(make_app, tmdb_api):
    """The embedded catalog, enriched by TMDB (films found there by IMDb id)."""
    return make_app(
        TMDB_API_KEY=tmdb.API_KEY, TMDB_BASE_URL=f"{tmdb_api.url}/3", ENRICH_WAIT=5.0
    ).test_client()


def watch_calls(api):
    return [r["path"] for r in api.requests if r["path"].endswith("/watch/providers")]


def names(entries):
    return [e["name"] for e in entries]


def test_details_show_availability_for_two_regions(tmdb_client, tmdb_api):
    india = tmdb_client.get("/api/movies/8392?region=IN").get_json()["watch"]  # Sholay
    assert india["region"] == "IN"
    assert names(india["stream"]) == ["Netflix"]
    assert (india["free"], india["ads"]) == ([], [])
    assert names(india["rent"]) == names(india["buy"]) == ["Apple TV"]
    assert india["stream"][0]["id"] == 8
    assert india["stream"][0]["logo"] == f"{tmdb_api.url}/t/p/w92/logo8.png"
    assert india["link"] == "https://www.themoviedb.org/movie/8392/watch?locale=IN"
    assert india["fetched_at"]
    assert india["attribution"] == CREDIT
    us = tmdb_client.get("/api/movies/8392?region=us").get_json()["watch"]
    assert us["region"] == "US"
    assert (names(us["stream"]), names(us["ads"])) == (["Netflix"], ["Tubi TV"])
    assert us["fetched_at"] == india["fetched_at"]  # one answer, every region, cached a day
    assert len(watch_calls(tmdb_api)) == 1


def test_region_comes_from_accept_language_else_us(tmdb_client):
    headers = {"Accept-Language": "en-IN,en;q=0.8"}
    assert (
        tmdb_client.get("/api/movies/8392", headers=headers).get_json()["watch"]["region"] == "IN"
    )
    assert tmdb_client.get("/api/movies/8392").get_json()["watch"]["region"] == "US"
    bad = tmdb_client.get("/api/movies/8392?region=IND")
    assert (bad.status_code, bad.get_json()["error"]) == (400, "invalid_region")


def test_a_film_offered_nowhere_in_a_region_says_so(tmdb_client):
    watch = tmdb_client.get("/api/movies/20453?region=GB").get_json()["watch"]  # 3 Idiots
    assert watch["fetched_at"]
    assert watch["link"] is None
    assert all(watch[kind] == [] for kind in ("stream", "free", "ads", "rent", "buy"))


def test_regions_and_services_lists_are_cached(tmdb_client, tmdb_api):
    regions = tmdb_client.get("/api/watch/regions").get_json()
    assert {"code": "IN", "name": "India"} in regions["regions"]
    assert regions["attribution"] == CREDIT
    services = tmdb_client.get("/api/watch/services?region=IN").get_json()
    assert services["region"] == "IN"
    assert names(services["services"])[:2] == ["Netflix", "Amazon Prime Video"]
    tmdb_client.get("/api/watch/regions")
    tmdb_client.get("/api/watch/services?region=IN")
    paths = tmdb_api.paths()
    assert paths.count("/3/watch/providers/regions") == 1
    assert paths.count("/3/watch/providers/movie") == 1


def test_cards_carry_availability_in_one_round_trip(tmdb_client, tmdb_api):
    body = tmdb_client.get("/api/recommendations?emotion=happy&seed=1&region=IN").get_json()
    assert len(body["movies"]) == 20
    assert all(m["watch"]["region"] == "IN" for m in body["movies"])
    assert all(m["watch"]["attribution"] == CREDIT for m in body["movies"])
    calls = [r for r in tmdb_api.requests if r["path"].endswith("/watch/providers")]
    assert len(calls) == 20  # every card asked at once (parallel), none twice
    tmdb_api.requests.clear()
    tmdb_client.get("/api/recommendations?emotion=happy&seed=1&region=US")
    assert watch_calls(tmdb_api) == []  # every region came with the first answer


def test_one_round_trip_of_wall_time_per_page(tmdb_client, tmdb_api):
    tmdb_client.get("/api/recommendations?emotion=happy&seed=1")  # the films, cached
    tmdb_api.delay = 1.0  # each answer held a second: time enough for all to be asked
    tmdb_api.requests.clear()
    tmdb_api.max_in_flight = 0  # (the films' own lookups went before)
    tmdb_client.get("/api/recommendations?emotion=happy&seed=1&region=IN")
    # The page's 20 films were asked at once (one round trip of wall time), not in turn.
    assert len(watch_calls(tmdb_api)) == 20
    assert tmdb_api.max_in_flight == 20


def test_only_my_services_at_the_provider(tmdb_client, tmdb_api):
    everything = tmdb_client.get("/api/recommendations?emotion=happy&seed=1").get_json()
    body = tmdb_client.get(
        "/api/recommendations?emotion=happy&seed=1&region=IN&services=8,119"
    ).get_json()
    asked = [r["args"] for r in tmdb_api.requests if r["path"] == "/3/discover/movie"]
    filtered = [a for a in asked if "with_watch_providers" in a]
    assert filtered  # TMDB filters at the source
    assert {(a["watch_region"], a["with_watch_providers"]) for a in filtered} == {("IN", "8|119")}
    assert {a["with_watch_monetization_types"] for a in filtered} == {"flatrate"}
    assert len(body["movies"]) == 20  # a full page of films on the viewer's services
    for movie in body["movies"]:
        assert {s["id"] for s in movie["watch"]["stream"]} & {8, 119}
    assert body["filtered_out"] == everything["total"] - body["total"] > 0
    search = tmdb_client.get("/api/search?q=sholay&region=IN&services=119").get_json()
    assert (search["movies"], search["filtered_out"]) == ([], 1)  # Sholay is on Netflix


def test_only_my_services_by_checking_the_enriched_catalog(enriched_client, tmdb_api):
    body = enriched_client.get("/api/search?q=sholay&region=IN&services=8").get_json()
    assert [m["id"] for m in body["movies"]] == ["Q949228"]  # the catalog's film, on Netflix
    assert body["filtered_out"] == 0
    assert names(body["movies"][0]["watch"]["stream"]) == ["Netflix"]
    assert body["movies"][0]["watch"]["attribution"] == CREDIT
    gone = enriched_client.get("/api/search?q=sholay&region=IN&services=122").get_json()
    assert (gone["movies"], gone["filtered_out"]) == ([], 1)
    details = enriched_client.get("/api/movies/Q949228?region=US").get_json()["watch"]
    assert names(details["ads"]) == ["Tubi TV"]


def test_free_services_count_only_when_asked(tmdb_client):
    asked = "/api/movies/27205?region=IN"  # Inception: Hotstar, and free on JioCinema
    assert names(tmdb_client.get(asked).get_json()["watch"]["free"]) == ["JioCinema"]
    search = "/api/search?q=inception&region=IN&services=220"
    assert tmdb_client.get(search).get_json()["movies"] == []
    assert len(tmdb_client.get(search + "&include_free=1").get_json()["movies"]) == 1


def test_an_availability_outage_leaves_details_and_grid_working(tmdb_client, tmdb_api):
    tmdb_client.get("/api/recommendations?emotion=happy&seed=1")  # the films, cached
    tmdb_api.fail(500, times=100000)
    grid = tmdb_client.get("/api/recommendations?emotion=happy&seed=1&region=IN&services=8")
    assert grid.status_code == 200
    body = grid.get_json()
    assert len(body["movies"]) == 20
    assert body["filtered_out"] == 0
    assert body["watch_unavailable"] == "Availability unavailable right now."
    assert all(m["watch"]["unavailable"] for m in body["movies"])
    assert all(m["watch"]["attribution"] == CREDIT for m in body["movies"])
    assert all("stream" not in m["watch"] for m in body["movies"])  # nothing old as new
    cards = tmdb_client.get("/api/recommendations?emotion=happy&seed=1&region=IN").get_json()
    assert cards["source"] == "cache"  # the films as before, without availability
    assert all(m["watch"]["unavailable"] for m in cards["movies"])
    assert tmdb_client.get("/api/watch/regions").status_code == 503


def test_an_outage_leaves_the_enriched_catalogs_details_working(enriched_client, tmdb_api):
    tmdb_api.fail(500, times=100000)
    details = enriched_client.get("/api/movies/Q949228?region=IN")
    assert details.status_code == 200
    assert details.get_json()["title"] == "Sholay"
    assert details.get_json()["watch"]["unavailable"] == "Availability unavailable right now."


def test_yesterdays_availability_is_never_shown_as_todays(make_app, tmdb_config, tmdb_api):
    client = make_app(**tmdb_config).test_client()
    client.get("/api/movies/8392?region=IN")
    app = client.application
    cache = app.extensions["emotionpix.recommender"].cache
    entry = cache.get("watch:offers:8392")
    cache.set("watch:offers:8392", entry.value, ttl=0)  # a day later: expired
    tmdb_api.fail(500, times=100000)
    watch = client.get("/api/movies/8392?region=IN").get_json()["watch"]
    assert watch["unavailable"] == "Availability unavailable right now."


def test_without_a_tmdb_key_where_to_watch_says_what_it_needs(client):
    for url in ("/api/watch/regions", "/api/watch/services?region=IN"):
        answer = client.get(url)
        assert answer.status_code == 404
        assert answer.get_json()["error"] == "watch_not_configured"
        assert "EMOTIONPIX_TMDB_API_KEY" in answer.get_json()["message"]
    filtered = client.get("/api/recommendations?emotion=happy&services=8")
    assert filtered.status_code == 404
    assert "EMOTIONPIX_TMDB_API_KEY" in filtered.get_json()["message"]
    assert "watch" not in client.get("/api/movies/Q949228?region=IN").get_json()
    assert client.get("/api/recommendations?emotion=happy&region=IN").status_code == 200


def test_the_page_offers_where_to_watch_only_with_a_key(client, tmdb_client):
    offline = client.get("/").get_data(as_text=True)
    assert 'id="watch-prefs"' not in offline
    assert "Where to watch needs a TMDB key" in offline
    assert "EMOTIONPIX_TMDB_API_KEY" in offline
    online = tmdb_client.get("/").get_data(as_text=True)
    assert 'id="watch-prefs"' in online
    assert "Where to watch needs a TMDB key" not in online
    assert online.count("Data from JustWatch") == 2  # the picker and the details overlay


def find_calls(api):
    return [r["path"] for r in api.requests if r["path"].startswith("/3/find/")]


def test_an_enriched_film_once_shown_costs_one_round_trip(enriched_client, tmdb_api):
    enriched_client.get("/api/search?q=sholay")  # shown: its poster looked up by IMDb id
    assert find_calls(tmdb_api) == ["/3/find/tt0073707"]
    tmdb_api.requests.clear()
    body = enriched_client.get("/api/search?q=sholay&region=IN").get_json()
    assert names(body["movies"][0]["watch"]["stream"]) == ["Netflix"]
    assert find_calls(tmdb_api) == []  # its TMDB id remembered: availability alone
    assert len(watch_calls(tmdb_api)) == 1


def test_a_never_seen_enriched_film_is_looked_up_once(enriched_client, tmdb_api):
    body = enriched_client.get("/api/search?q=sholay&region=IN").get_json()
    assert names(body["movies"][0]["watch"]["stream"]) == ["Netflix"]
    assert body["movies"][0]["poster_url"]
    # The poster's lookup found the TMDB id where to watch asks with: one lookup, not two.
    assert find_calls(tmdb_api) == ["/3/find/tt0073707"]
    assert len(watch_calls(tmdb_api)) == 1
