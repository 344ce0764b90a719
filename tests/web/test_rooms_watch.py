"""Tonight's pick with where to watch it, against the TMDB stand-in: each member sees it in
their own region (asked for, else their browser's languages), grouped with logos, the date
fetched, TMDB's link and the JustWatch credit; an outage shows the pick without it."""

import pytest

from tests.standins import tmdb
from tests.web.test_rooms import person

pytestmark = pytest.mark.integration  # a real HTTP stand-in on 127.0.0.1

CREDIT = "Data from JustWatch"
KINDS = ("stream", "free", "ads", "rent", "buy")


def decided(app):
    """A room of three whose vote has made tonight's pick: (code, {name: client})."""
    people = {name: person(app) for name in ("Ana", "Ben", "Cara")}
    code = people["Ana"].post("/api/rooms", json={"name": "Ana"}).get_json()["code"]
    for name in ("Ben", "Cara"):
        people[name].post(f"/api/rooms/{code}/join", json={"name": name})
    for name, emotion in (("Ana", "happy"), ("Ben", "happy"), ("Cara", "surprise")):
        state = people[name].post(f"/api/rooms/{code}/mood", json={"emotion": emotion})
    film = state.get_json()["movies"][0]["id"]
    for client in people.values():
        state = client.post(f"/api/rooms/{code}/vote", json={"movie_id": film})
    assert state.get_json()["pick"]["id"] == film
    return code, people


def test_each_member_sees_where_to_watch_the_pick_in_their_region(make_app, tmdb_config):
    code, people = decided(make_app(**tmdb_config))
    india = people["Ana"].get(f"/api/rooms/{code}?region=IN").get_json()["pick"]["watch"]
    n = int(india["link"].split("/movie/")[1].split("/")[0])
    assert india["region"] == "IN"
    assert india["fetched_at"]
    assert india["link"] == f"https://www.themoviedb.org/movie/{n}/watch?locale=IN"
    assert india["attribution"] == CREDIT
    assert set(KINDS) <= set(india)
    assert [s["name"] for s in india["rent"]] == ["Apple TV"]
    assert all(s["logo"].endswith(f"/logo{s['id']}.png") for k in KINDS for s in india[k])
    assert india["stream"]  # the stand-in streams every film somewhere in India
    # Ben's browser speaks US English and has chosen no region: the US, as on the main page.
    us = people["Ben"].get(f"/api/rooms/{code}", headers={"Accept-Language": "en-US"}).get_json()
    assert us["pick"]["watch"]["region"] == "US"
    assert us["pick"]["watch"]["link"].endswith("locale=US")
    # The pick itself is the same for everyone, and an unchanged room is still a 204.
    assert us["pick"]["id"] == people["Ana"].get(f"/api/rooms/{code}").get_json()["pick"]["id"]
    version = us["version"]
    assert people["Ben"].get(f"/api/rooms/{code}?since={version}&region=GB").status_code == 204


def test_an_availability_outage_shows_the_pick_without_it(make_app, tmdb_config, tmdb_api):
    app = make_app(**tmdb_config)
    code, people = decided(app)
    tmdb_api.fail(500, times=100000)
    app.extensions["emotionpix.recommender"].cache.clear()  # nothing fresh left to show
    answer = people["Cara"].get(f"/api/rooms/{code}?region=IN")
    assert answer.status_code == 200
    pick = answer.get_json()["pick"]
    assert pick["title"]
    assert pick["watch"] == {
        "region": "IN",
        "unavailable": "Availability unavailable right now.",
        "attribution": CREDIT,
    }


def test_films_the_catalog_stood_in_for_say_availability_is_unknown(
    make_app, tmdb_config, tmdb_api
):
    tmdb_api.fail(500, times=100000)  # TMDB down: the embedded catalog's films fill the room
    code, people = decided(make_app(**tmdb_config))
    pick = people["Ana"].get(f"/api/rooms/{code}?region=IN").get_json()["pick"]
    assert pick["id"].startswith("Q")
    assert pick["watch"]["unavailable"] == "Availability unavailable right now."
    assert not [r for r in tmdb_api.requests if r["path"].endswith("/watch/providers")]


def test_the_enriched_catalogs_pick_comes_through_an_outage(make_app, tmdb_api):
    app = make_app(TMDB_API_KEY=tmdb.API_KEY, TMDB_BASE_URL=f"{tmdb_api.url}/3", ENRICH_WAIT=5.0)
    code, people = decided(app)
    watch = people["Ana"].get(f"/api/rooms/{code}?region=IN").get_json()["pick"]["watch"]
    assert watch["region"] == "IN"
    assert watch["attribution"] == CREDIT
    tmdb_api.fail(500, times=100000)
    app.extensions["emotionpix.recommender"].cache.clear()  # nothing fresh left to show
    answer = people["Ben"].get(f"/api/rooms/{code}?region=US")
    assert answer.status_code == 200
    assert answer.get_json()["pick"]["watch"]["unavailable"]


def test_the_room_page_shows_where_to_watch_with_the_credit(make_app, tmdb_config):
    code, people = decided(make_app(**tmdb_config))
    page = people["Ana"].get(f"/rooms/{code}").get_data(as_text=True)
    assert 'id="pick-watch-offers"' in page
    assert CREDIT in page
    assert "needs a TMDB key" not in page
