"""The MovieProvider contract, run against every provider implementation."""

import pytest

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.providers.catalog import CatalogProvider
from tests.fakes import MOVIE_FIELDS


@pytest.fixture(scope="module", params=["catalog"])
def provider(request):
    if request.param == "catalog":
        return CatalogProvider()
    raise AssertionError(request.param)


def test_declares_what_votes_mean(provider):
    assert provider.name
    assert provider.votes_meaning
    assert provider.votes_unit
    assert provider.default_min_votes >= 0
    assert provider.prior_votes > 0


@pytest.mark.parametrize("genre", ["Comedy", "Drama", "Action", "Adventure", "Horror", "Thriller"])
def test_every_mapped_genre_yields_plenty_with_default_filters(provider, genre):
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover(genre, filters, 5000)
    assert len(films) >= 100, f"{genre}: only {len(films)} films"
    assert all(isinstance(m, Movie) and genre in m.genres and filters.matches(m) for m in films)


def test_hindi_films_pass_the_default_filters(provider):
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover("Drama", filters, 5000)
    assert sum("Hindi" in m.languages for m in films) >= 10


def test_discover_limit_keeps_the_best(provider):
    filters = Filters(min_votes=provider.default_min_votes)
    films = provider.discover("Comedy", filters, 5)
    assert len(films) == 5
    everything = provider.discover("Comedy", filters, 5000)
    assert min(m.votes for m in films) >= 50
    assert {m.id for m in films} <= {m.id for m in everything}


def test_unknown_genre_is_empty_not_an_error(provider):
    assert provider.discover("Not A Genre", Filters(min_votes=0), 10) == []


def test_get_round_trips_and_unknown_is_none(provider):
    first = provider.search("sholay", 1)[0]
    assert provider.get(first.id) == first
    assert provider.get("does-not-exist") is None


def test_movies_have_the_api_fields(provider):
    movie = provider.search("inception", 1)[0]
    data = movie.to_dict()
    assert set(data) == MOVIE_FIELDS
    assert data["imdb_id"] == "tt1375666"
    assert data["director"] == "Christopher Nolan"
    assert "Leonardo DiCaprio" in data["cast"]
    assert data["overview"]
    assert Movie.from_dict(data) == movie
