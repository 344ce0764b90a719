"""The MovieProvider contract, run against every provider: the embedded catalog, and TMDB and
IMDb236 through their adapters against local stand-ins of the real APIs."""

from dataclasses import dataclass

import pytest

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.providers.catalog import CatalogProvider
from emotionpix.providers.http import HttpSettings
from emotionpix.providers.imdb236 import Imdb236Provider
from emotionpix.providers.tmdb import TmdbProvider
from tests.fakes import MOVIE_FIELDS
from tests.standins import imdb236, tmdb


@dataclass
class Subject:
    provider: object
    plenty: int  # films a mapped genre yields at least (remote sources cap their pages)


def quick(url: str) -> HttpSettings:
    return HttpSettings(base_url=url, retries=1, backoff=0.01, read_timeout=2.0)


@pytest.fixture(params=["catalog", "tmdb", "imdb236"])
def subject(request):
    if request.param == "catalog":
        return Subject(CatalogProvider(), plenty=100)
    if request.param == "tmdb":
        api = request.getfixturevalue("tmdb_api")
        return Subject(TmdbProvider.connect(quick(f"{api.url}/3"), api_key=tmdb.API_KEY), 50)
    api = request.getfixturevalue("imdb236_api")
    return Subject(Imdb236Provider.connect(quick(f"{api.url}/api/imdb"), imdb236.API_KEY), 50)


@pytest.fixture
def provider(subject):
    return subject.provider


def test_declares_what_votes_mean_and_whom_to_credit(provider):
    assert provider.name
    assert provider.votes_meaning
    assert isinstance(provider.cast_in_billing_order, bool)
    assert provider.votes_unit
    assert provider.default_min_votes >= 0
    assert provider.prior_votes > 0
    assert provider.attribution
    assert provider.attribution_url.startswith("https://")


@pytest.mark.parametrize("genre", ["Comedy", "Drama", "Action", "Adventure", "Horror", "Thriller"])
def test_every_mapped_genre_yields_plenty_with_default_filters(subject, genre):
    provider = subject.provider
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover(genre, filters, 5000)
    assert len(films) >= subject.plenty, f"{genre}: only {len(films)} films"
    assert all(isinstance(m, Movie) and genre in m.genres and filters.matches(m) for m in films)
    assert len({m.id for m in films}) == len(films)


def test_hindi_films_pass_the_default_filters(provider):
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover("Drama", filters, 5000)
    assert sum("Hindi" in m.languages for m in films) >= 10


def test_discover_limit_keeps_the_most_voted(provider):
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover("Comedy", filters, 5)
    assert len(films) == 5
    everything = provider.discover("Comedy", filters, 5000)
    assert sorted(m.votes for m in films) == sorted(m.votes for m in everything)[-5:]
    assert {m.id for m in films} <= {m.id for m in everything}


def test_unknown_genre_is_empty_not_an_error(provider):
    assert provider.discover("Not A Genre", Filters(min_votes=0), 10) == []


def test_get_finds_a_searched_film_and_unknown_is_none(provider):
    first = provider.search("sholay", 1)[0]
    found = provider.get(first.id)
    assert (found.id, found.title, found.year) == (first.id, "Sholay", 1975)
    assert provider.get("does-not-exist") is None
    assert provider.get("tt0000001") is None


def test_details_have_the_api_fields(provider):
    movie = provider.get(provider.search("inception", 1)[0].id)
    data = movie.to_dict()
    assert set(data) == MOVIE_FIELDS
    assert data["imdb_id"] == "tt1375666"
    assert data["director"] == "Christopher Nolan"
    assert "Leonardo DiCaprio" in data["cast"]
    assert data["overview"]
    assert Movie.from_dict(data) == movie
    if provider.name != "catalog":  # the catalog has no subject tags
        assert "heist" in movie.keywords


def test_check_filters_refuses_what_cannot_be_applied(provider):
    provider.check_filters(Filters(languages=("Hindi", "English"), countries=("India",)))
    if provider.name != "catalog":  # the catalog matches any name
        with pytest.raises(ValueError, match="unknown language"):
            provider.check_filters(Filters(languages=("Klingon",)))


def test_stats_are_a_mapping(provider):
    provider.search("sholay", 1)
    stats = provider.stats()
    assert isinstance(stats, dict)
    if provider.name != "catalog":
        assert stats["calls"] >= 1
        assert stats["errors"] == 0
        assert stats["circuit"] == "closed"
