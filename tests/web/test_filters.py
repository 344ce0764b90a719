"""The viewer's filters (languages, years, runtime, family-safe) and the honest limits of
the offline catalog, through the API and the page, on the real embedded catalog."""

import pytest

from emotionpix.core.filters import Choices, family_safe
from emotionpix.core.movies import Movie

FILTERS = "languages=hi&from=1990&to=2014&max_runtime=180"


def test_recommendations_keep_to_the_viewer_filters(client):
    body = client.get(f"/api/recommendations?emotion=happy&{FILTERS}").get_json()
    assert body["movies"]
    for movie in body["movies"]:
        assert "Hindi" in movie["languages"]
        assert 1990 <= movie["year"] <= 2014
        assert movie["runtime"]
        assert movie["runtime"] <= 180
    assert body["filters"] == {
        "languages": ["hi"],
        "from": 1990,
        "to": 2014,
        "max_runtime": 180,
        "family": False,
        "chosen": True,
    }
    assert "in Hindi" in body["drawn_from"]
    assert "from 1990 to 2014" in body["drawn_from"]


def test_without_filters_the_paper_defaults_hold(client):
    body = client.get("/api/recommendations?emotion=happy").get_json()
    assert body["filters"] == {
        "languages": ["hi", "en"],
        "from": 1970,
        "to": 2026,
        "max_runtime": None,
        "family": False,
        "chosen": False,
    }
    assert body["drawn_from"] == (
        "Drawn from the offline catalog (films up to 2014): in Hindi or English, from 1970, "
        "rated 7+ by at least 10 critics."
    )


def test_a_language_outside_the_defaults_brings_its_own_films(client):
    body = client.get("/api/recommendations?emotion=sad&languages=fr").get_json()
    assert body["movies"]
    assert all("French" in movie["languages"] for movie in body["movies"])


def test_family_keeps_films_certified_for_all_ages(client):
    body = client.get("/api/recommendations?emotion=happy&family=1").get_json()
    assert body["movies"]
    for movie in body["movies"]:
        assert movie["certificate"] in (None, "G", "PG", "GP")
        if movie["certificate"] is None:
            assert {"Family", "Animation"} & set(movie["genres"])


def test_search_says_what_the_filters_hide(client):
    everything = client.get("/api/search?q=dil").get_json()
    hindi = client.get("/api/search?q=dil&languages=hi").get_json()
    assert hindi["movies"]
    assert all("Hindi" in m["languages"] for m in hindi["movies"])
    assert hindi["hidden"] == len(everything["movies"]) - len(hindi["movies"]) > 0
    assert everything["hidden"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("languages=xx", "invalid_languages"),
        ("languages=hi,", "invalid_languages_never"),
        ("from=1800", "invalid_from"),
        ("to=abc", "invalid_to"),
        ("from=2010&to=1990", "invalid_years"),
        ("max_runtime=5", "invalid_max_runtime"),
        ("max_runtime=-1", "invalid_max_runtime"),
        ("family=maybe", "invalid_family"),
    ],
)
def test_bad_filters_are_a_400_naming_the_problem(client, query, code):
    for path in ("/api/recommendations?emotion=happy&", "/api/search?q=sholay&"):
        response = client.get(path + query)
        if code.endswith("_never"):  # a trailing comma is forgiven
            assert response.status_code == 200
            continue
        assert response.status_code == 400, (path, query)
        body = response.get_json()
        assert body["error"] == code
        assert body["message"]


def test_a_film_newer_than_the_catalog_is_not_blamed_on_the_spelling(client):
    body = client.get("/api/search?q=Oppenheimer").get_json()
    assert body["movies"] == []
    assert "not in the offline catalog, which ends in 2014" in body["not_found"]
    assert "TMDB key" in body["not_found"]
    assert body["drawn_from"] == "Searched the offline catalog (films up to 2014)."
    page = client.get("/?q=Oppenheimer").get_data(as_text=True)
    assert "not in the offline catalog, which ends in 2014" in page
    assert "Check the spelling" not in page


def test_the_page_applies_and_shows_the_filters_without_javascript(client):
    page = client.get("/?emotion=happy&language=hi&from=1990&max_runtime=90").get_data(as_text=True)
    assert "Hindi · 1990\u2013now · up to 90 min" in page
    assert "your filters for this mood" in page  # few films: the grid says so
    assert 'value="hi" checked' in page
    assert 'value="en" checked' not in page
    assert "Drawn from the offline catalog (films up to 2014): in Hindi" in page
    bad = client.get("/?emotion=happy&from=soon")
    assert bad.status_code == 200
    assert "from must be a whole number." in bad.get_data(as_text=True)


def test_choices_narrow_and_keep():
    film = Movie(id="1", title="A", runtime=130, certificate="PG-13", genres=("Family",))
    assert Choices(max_runtime=120).keeps(film) is False
    assert Choices(max_runtime=130).keeps(film) is True
    assert Choices(max_runtime=130).keeps(Movie(id="2", title="B")) is False  # unknown length
    assert family_safe(film) is False  # the certificate decides where it is known
    assert family_safe(Movie(id="3", title="C", genres=("Animation", "Comedy"))) is True
    assert family_safe(Movie(id="4", title="D", genres=("Animation", "Horror"))) is False
    assert not Choices()
    assert Choices(family=True)
