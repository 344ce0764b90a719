"""The IMDb236 adapter against the stand-in: the paper's filters as its parameters, cursor
paging, RapidAPI's gateway errors and quota headers."""

import pytest

from emotionpix.core.filters import Filters
from emotionpix.providers.base import ProviderError
from emotionpix.providers.http import HttpSettings
from emotionpix.providers.imdb236 import Imdb236Provider
from tests.standins import imdb236
from tests.standins.films import FILMS

pytestmark = pytest.mark.integration  # a real HTTP stand-in on 127.0.0.1

PAPER = Filters(min_rating=7.0, min_votes=1000, year_from=1970, year_to=2026)


@pytest.fixture
def connect(imdb236_api):
    def factory(key=imdb236.API_KEY, **kw):
        settings = HttpSettings(base_url=f"{imdb236_api.url}/api/imdb", retries=0)
        return Imdb236Provider.connect(settings, key, **kw)

    return factory


def searches(api):
    return [r["args"] for r in api.requests if r["path"] == "/api/imdb/search"]


def test_discover_sends_the_paper_filters(connect, imdb236_api):
    films = connect().discover("Thriller", PAPER, 30)
    calls = searches(imdb236_api)
    assert {c["spokenLanguages"] for c in calls} == {"hi", "en"}
    assert {
        (
            c["genre"],
            c["averageRatingFrom"],
            c["numVotesFrom"],
            c["startYearFrom"],
            c["startYearTo"],
        )
        for c in calls
    } == {("Thriller", "7.0", "1000", "1970", "2026")}
    assert {(c["sortField"], c["sortOrder"], c["type"]) for c in calls} == {
        ("numVotes", "DESC", "movie")
    }
    headers = imdb236_api.requests[0]["headers"]
    assert (headers["X-Rapidapi-Key"], headers["X-Rapidapi-Host"]) == (
        imdb236.API_KEY,
        imdb236.HOST,
    )
    assert films
    assert all(PAPER.matches(m) and "Thriller" in m.genres for m in films)


def test_cursor_paging_follows_next_cursor_mark_until_enough(connect, imdb236_api):
    films = connect(max_pages=3).discover("Comedy", Filters(languages=("English",)), 70)
    calls = searches(imdb236_api)
    assert next(c["cursorMark"] for c in calls) == "*"
    assert len(calls) == 2  # 50 + 50 >= 70: no third page
    assert calls[1]["cursorMark"] not in ("*", "")
    assert len(films) == 70
    assert len({m.id for m in films}) == 70


def test_paging_stops_when_the_cursor_repeats(connect, imdb236_api):
    hindi = Filters(languages=("Hindi",))
    films = connect(max_pages=5).discover("Horror", hindi, 500)
    calls = searches(imdb236_api)
    qualifying = [
        f
        for f in FILMS
        if "Horror" in f.genres and f.language == "hi" and f.rating >= 7 and f.votes >= 1000
    ]
    assert len(films) == len(qualifying) < 50  # all of them, in one page
    assert len(calls) == 1  # the first answer's cursor is already the last


def test_quota_headers_are_in_the_stats(connect):
    provider = connect()
    provider.search("sholay", 3)
    quota = provider.stats()["quota"]
    assert quota["x-ratelimit-requests-limit"] == "500"
    assert int(quota["x-ratelimit-requests-remaining"]) < 500


def test_a_wrong_key_is_refused(connect):
    with pytest.raises(ProviderError, match="check the API key"):
        connect(key="wrong").search("sholay", 1)


def test_details_with_cast_in_order_and_directors(connect):
    movie = connect().get("tt0073707")
    assert movie.cast == ("Dharmendra", "Amitabh Bachchan", "Sanjeev Kumar", "Hema Malini")
    assert movie.director == "Ramesh Sippy"
    assert movie.poster_url == "https://images.example/tt0073707-360.jpg"
    assert movie.trailer_url == "https://www.youtube.com/watch?v=sholayTrailer"
    assert (movie.languages, movie.countries) == (("Hindi",), ("India",))


def test_ids_that_are_not_imdb_ids_cost_no_call(connect, imdb236_api):
    assert connect().get("Q949228") is None
    assert imdb236_api.requests == []
