import pytest

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie

PAPER = Filters(
    min_rating=7.0, min_votes=1000, year_from=1970, year_to=2026, languages=("Hindi", "English")
)


def film(**overrides):
    fields = {
        "id": "m1",
        "title": "T",
        "year": 2000,
        "rating": 8.0,
        "votes": 5000,
        "languages": ("English",),
        "countries": ("United States",),
    }
    return Movie(**{**fields, **overrides})


def test_a_film_meeting_every_filter_passes():
    assert PAPER.matches(film())


@pytest.mark.parametrize(
    "overrides",
    [
        {"rating": 6.9},
        {"rating": None},
        {"votes": 999},
        {"year": 1969},
        {"year": 2027},
        {"year": None},
        {"languages": ("French",)},
        {"languages": ()},
    ],
)
def test_each_filter_rejects(overrides):
    assert not PAPER.matches(film(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"rating": 7.0},
        {"votes": 1000},
        {"year": 1970},
        {"year": 2026},
        {"languages": ("French", "hindi")},
    ],
)
def test_bounds_are_inclusive_and_any_language_counts(overrides):
    assert PAPER.matches(film(**overrides))


def test_countries_empty_means_any_origin_and_otherwise_restricts():
    indian = film(countries=("India",))
    assert PAPER.matches(indian)
    only_india = Filters(countries=("India",), min_votes=0)
    assert only_india.matches(indian)
    assert not only_india.matches(film())


def test_key_is_stable_and_distinguishes_filters():
    assert PAPER.key() == Filters(min_votes=1000).key()
    assert PAPER.key() != Filters(min_votes=10).key()
