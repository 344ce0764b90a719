"""The TMDB adapter against the stand-in: the paper's filters as TMDB parameters, genre ids
from TMDB's own list, parallel pages, credits in billing order, trailers, images."""

import pytest

from emotionpix.core.filters import Filters
from emotionpix.providers.base import ProviderError
from emotionpix.providers.http import HttpSettings
from emotionpix.providers.tmdb import TmdbProvider
from tests.standins import tmdb

pytestmark = pytest.mark.integration  # a real HTTP stand-in on 127.0.0.1

PAPER = Filters(min_rating=7.0, min_votes=1000, year_from=1970, year_to=2026)


@pytest.fixture
def connect(tmdb_api):
    def factory(**kw):
        settings = HttpSettings(base_url=f"{tmdb_api.url}/3", retries=0)
        credentials = {"api_key": tmdb.API_KEY} if "token" not in kw else {}
        return TmdbProvider.connect(settings, **credentials, **kw)

    return factory


def discover_calls(api):
    return [r["args"] for r in api.requests if r["path"] == "/3/discover/movie"]


def test_discover_sends_the_paper_filters_with_tmdb_genre_ids(connect, tmdb_api):
    films = connect().discover("Horror", PAPER, 40)
    calls = discover_calls(tmdb_api)
    assert {c["with_genres"] for c in calls} == {str(tmdb.GENRE_IDS["Horror"])}
    assert {c["with_original_language"] for c in calls} == {"hi", "en"}
    assert {(c["vote_average.gte"], c["vote_count.gte"]) for c in calls} == {("7.0", "1000")}
    assert {c["primary_release_date.gte"] for c in calls} == {"1970-01-01"}
    assert {c["primary_release_date.lte"] for c in calls} == {"2026-12-31"}
    assert {c["sort_by"] for c in calls} == {"vote_count.desc"}
    assert {c["page"] for c in calls} == {"1", "2"}  # 40 films: two pages of 20 per query
    assert films
    assert all("Horror" in m.genres and PAPER.matches(m) for m in films)


def test_the_genre_list_is_fetched_once(connect, tmdb_api):
    provider = connect()
    provider.discover("Comedy", PAPER, 20)
    provider.discover("Drama", PAPER, 20)
    provider.search("sholay", 5)
    assert tmdb_api.paths().count("/3/genre/movie/list") == 1
    assert tmdb_api.paths().count("/3/configuration") == 1


def test_pages_are_fetched_in_parallel(connect, tmdb_api):
    provider = connect()
    provider.discover("Comedy", PAPER, 20)  # genre list and images cached
    tmdb_api.delay = 0.2
    provider.discover("Drama", PAPER, 60)
    assert tmdb_api.max_in_flight >= 4


def test_origin_hints_tag_films_from_those_countries(connect, tmdb_api):
    films = connect(origin_hints=("India",)).discover("Drama", PAPER, 100)
    assert {c.get("with_origin_country") for c in discover_calls(tmdb_api)} == {None, "IN"}
    dangal = next(m for m in films if m.title == "Dangal")
    assert dangal.countries == ("India",)
    assert all(not m.countries for m in films if "Hindi" not in m.languages)


def test_configured_countries_filter_every_query(connect, tmdb_api):
    films = connect(origin_hints=("India",)).discover("Comedy", Filters(countries=("India",)), 60)
    assert {c["with_origin_country"] for c in discover_calls(tmdb_api)} == {"IN"}
    assert films
    assert all(m.countries == ("India",) for m in films)


def test_a_read_access_token_goes_in_the_authorization_header(connect, tmdb_api):
    connect(token=tmdb.TOKEN).search("sholay", 1)
    request = tmdb_api.requests[-1]
    assert request["headers"]["Authorization"] == f"Bearer {tmdb.TOKEN}"
    assert "api_key" not in request["args"]


def test_details_in_billing_order_with_trailer_and_images(connect, tmdb_api):
    movie = connect().get("8392")
    assert (movie.title, movie.year, movie.imdb_id, movie.runtime) == (
        "Sholay",
        1975,
        "tt0073707",
        204,
    )
    assert movie.cast[:2] == ("Dharmendra", "Amitabh Bachchan")  # "order", not the list's order
    assert movie.director == "Ramesh Sippy"
    assert movie.trailer_url == "https://www.youtube.com/watch?v=sholayTrailer"  # not the teaser
    assert movie.poster_url == f"{tmdb_api.url}/t/p/w342/poster8392.png"
    assert movie.backdrop_url == f"{tmdb_api.url}/t/p/w780/backdrop8392.png"
    assert (movie.languages, movie.countries) == (("Hindi",), ("India",))


def test_an_imdb_id_is_found_through_find(connect, tmdb_api):
    movie = connect().get("tt1375666")
    assert movie.title == "Inception"
    assert "/3/find/tt1375666" in tmdb_api.paths()
    assert connect().get("tt0000001") is None
    assert connect().get("999999999") is None


def test_an_empty_search_is_an_empty_list(connect):
    assert connect().search("no such film anywhere", 10) == []


def test_a_film_the_adapter_cannot_read_is_a_provider_error(connect, tmdb_api):
    provider = connect()
    provider.search("sholay", 1)  # genres and images known
    tmdb_api.fail(200, body='{"page": 1, "results": [{"title": "no id"}]}')
    with pytest.raises(ProviderError, match="cannot read"):
        provider.search("sholay", 1)
