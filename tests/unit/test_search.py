"""Search quality on the bundled catalog: the films people type must come first."""

import pytest

from emotionpix.core.text import normalise
from emotionpix.providers.catalog import BUNDLED_ALIASES, CatalogProvider, load_aliases
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


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("k3g", "Sometimes Happiness Sometimes Sadness..."),
        ("KKKG", "Sometimes Happiness Sometimes Sadness..."),
        ("kabhi khushi kabhie gham", "Sometimes Happiness Sometimes Sadness..."),
        ("kabhi khushi", "Sometimes Happiness Sometimes Sadness..."),
        ("ddlj", "Dilwale Dulhania Le Jayenge"),
        ("znmd", "Zindagi Na Milegi Dobara"),
        ("aaja nachle", "Come, let's dance"),
        ("shatranj ke khilari", "The Chess Players"),
        ("like stars on earth", "Taare Zameen Par"),
        ("the world of apu", "Apur Sansar"),
        ("matru ki bijlee", "Mutroo Ki Bijlee Ka Mandola"),
    ],
)
def test_original_titles_and_abbreviations_find_the_film(catalog, query, title):
    assert catalog.search(query, 10)[0].title == title


def test_a_film_found_by_several_names_is_listed_once(catalog):
    titles = [m.title for m in catalog.search("kabhi", 20)]
    assert titles.count("Sometimes Happiness Sometimes Sadness...") == 1
    assert "Kabhi Alvida Naa Kehna" in titles


def test_a_translated_title_carries_the_original(catalog):
    (k3g,) = catalog.search("k3g", 1)
    assert k3g.original_title == "Kabhi Khushi Kabhie Gham..."
    assert k3g.to_dict()["original_title"] == "Kabhi Khushi Kabhie Gham..."
    assert catalog.search("sholay", 1)[0].original_title is None


def test_every_alias_row_names_a_film_of_the_catalog_by_its_title(catalog):
    for movie_id, row in load_aliases(BUNDLED_ALIASES).items():
        movie = catalog.get(movie_id)
        assert movie is not None, movie_id
        assert movie.title == row["title"], movie_id
        assert row.get("original") or row["aliases"], movie_id


def test_aliases_of_a_title_index_point_back_to_it():
    index = TitleIndex(["Alpha", "Beta Gamma"], [1.0, 1.0], aliases={1: ["BG", "Delta"]})
    assert index.search("bg") == [1]
    assert index.search("delta") == [1]
    assert index.search("beta") == [1]
    assert index.search("alpha") == [0]


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
