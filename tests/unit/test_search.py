"""Search quality on the bundled catalog: the films people type must come first."""

import pytest

from emotionpix.core.text import normalise
from emotionpix.providers.catalog import CatalogProvider
from emotionpix.providers.titles import TitleIndex


@pytest.fixture(scope="module")
def catalog():
    return CatalogProvider()


@pytest.mark.parametrize(
    ("query", "title", "year"),
    [
        ("sholay", "Sholay", 1975),
        ("SHOLAY", "Sholay", 1975),
        ("3 idiots", "3 Idiots", 2009),
        ("3idiots", "3 Idiots", 2009),
        ("dilwale", "Dilwale Dulhania Le Jayenge", 1995),
        ("incepton", "Inception", 2010),
        ("inceptoin", "Inception", 2010),
        ("amelie", "Amélie", 2001),
        ("lagan", "Lagaan", 2001),
        ("godfather", "The Godfather", 1972),
        ("the dark knight", "The Dark Knight", 2008),
        ("star wars", "Star Wars: Episode IV \u2013 A New Hope", 1977),
        ("spiderman", "Spider-Man", 2002),
        ("incep", "Inception", 2010),
    ],
)
def test_first_result(catalog, query, title, year):
    first = catalog.search(query, 10)[0]
    assert (first.title, first.year) == (title, year)


def test_a_typo_in_a_long_query_still_finds_the_series(catalog):
    top = [m.title for m in catalog.search("lord of the rigns", 3)]
    assert sorted(top) == [
        "The Lord of the Rings: The Fellowship of the Ring",
        "The Lord of the Rings: The Return of the King",
        "The Lord of the Rings: The Two Towers",
    ]


def test_no_match_gives_nothing(catalog):
    assert catalog.search("zzqxj", 10) == []


def test_limit_is_respected(catalog):
    assert len(catalog.search("the", 5)) == 5


def test_normalise_removes_case_accents_and_punctuation():
    assert normalise("  Amélie! ") == "amelie"
    assert normalise("Spider-Man: No Way") == "spider man no way"
    assert normalise("Tom & Jerry") == "tom and jerry"
    assert normalise("Schindler's List") == "schindlers list"


def test_index_prefers_exact_then_prominent():
    index = TitleIndex(["Alien", "Aliens", "Alien Nation"], [1.0, 2.0, 0.1])
    assert index.search("alien", 3) == [0, 1, 2]
    assert index.search("", 3) == []
