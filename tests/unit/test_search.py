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
        ("k3g", "Kabhi Khushi Kabhie Gham..."),
        ("KKKG", "Kabhi Khushi Kabhie Gham..."),
        ("kabhi khushi kabhie gham", "Kabhi Khushi Kabhie Gham..."),
        ("kabhi khushi", "Kabhi Khushi Kabhie Gham..."),
        ("sometimes happiness sometimes sadness", "Kabhi Khushi Kabhie Gham..."),
        ("ddlj", "Dilwale Dulhania Le Jayenge"),
        ("znmd", "Zindagi Na Milegi Dobara"),
        ("aaja nachle", "Aaja Nachle"),
        ("shatranj ke khilari", "Shatranj Ke Khilari"),
        ("the chess players", "Shatranj Ke Khilari"),
        ("like stars on earth", "Taare Zameen Par"),
        ("the world of apu", "Apur Sansar"),
        ("matru ki bijlee", "Mutroo Ki Bijlee Ka Mandola"),
    ],
)
def test_original_titles_and_abbreviations_find_the_film(catalog, query, title):
    assert catalog.search(query, 10)[0].title == title


def test_a_film_found_by_several_names_is_listed_once(catalog):
    titles = [m.title for m in catalog.search("kabhi", 20)]
    assert titles.count("Kabhi Khushi Kabhie Gham...") == 1
    assert "Kabhi Alvida Naa Kehna" in titles


def test_a_translated_title_carries_the_original(catalog):
    (fauno,) = catalog.search("el laberinto del fauno", 1)
    assert fauno.title == "Pan's Labyrinth"
    assert fauno.original_title == "El laberinto del fauno"
    assert fauno.to_dict()["original_title"] == "El laberinto del fauno"
    assert catalog.search("sholay", 1)[0].original_title is None


def test_a_film_known_by_its_original_title_is_shown_by_it(catalog):
    (k3g,) = catalog.search("k3g", 1)
    assert k3g.title == "Kabhi Khushi Kabhie Gham..."
    assert k3g.original_title is None  # not "Sometimes Happiness Sometimes Sadness..."
    assert catalog.get("Q466443").title == "Kabhi Khushi Kabhie Gham..."


def test_every_alias_row_names_a_film_of_the_catalog_by_its_title(catalog, tmp_path):
    bare = tmp_path / "aliases.json"
    bare.write_text('{"films": {}}', encoding="utf-8")
    source = CatalogProvider(aliases=bare)
    table = load_aliases(BUNDLED_ALIASES)
    for movie_id, row in table.items():
        movie = source.get(movie_id)
        assert movie is not None, movie_id
        assert movie.title == row["title"], movie_id
        assert row.get("original") or row["aliases"], movie_id
        assert not row.get("shown") or row.get("original"), movie_id
    assert len(table) >= 1000


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("शोले", "Sholay"),
        ("कभी ख़ुशी कभी ग़म", "Kabhi Khushi Kabhie Gham..."),
        ("कभी खुशी कभी गम", "Kabhi Khushi Kabhie Gham..."),  # without the nukta
        ("ஷோலே", "Sholay"),  # Tamil letters, by sound: no Tamil title in the table
        ("চারুলতা", "Charulata"),
        ("எந்திரன்", "Enthiran"),
        ("七人の侍", "Seven Samurai"),
        ("올드보이", "Oldboy"),
        ("Левиафан", "Leviathan"),
        ("el laberinto del fauno", "Pan's Labyrinth"),
        ("cidade de deus", "City of God"),
        ("das leben der anderen", "The Lives of Others"),
        ("devdas 2002", "Devdas"),
    ],
)
def test_titles_in_their_own_scripts_and_languages(catalog, query, title):
    assert catalog.search(query, 3)[0].title == title


def test_transliteration_finds_a_film_without_a_written_alias():
    index = TitleIndex(["Sholay", "Solaris", "Shell"], [1.0, 1.0, 1.0])
    assert index.search("शोले")[0] == 0  # shole, by sound
    assert index.search("sholey")[0] == 0


def test_a_strong_match_is_not_padded_with_weak_neighbours(catalog):
    assert [m.title for m in catalog.search("Dune", 20)] == ["Dune"]
    assert [m.title for m in catalog.search("cidade de deus", 20)] == ["City of God"]
    assert len(catalog.search("godfather", 20)) <= 8


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


@pytest.mark.parametrize("mashed", ["zzqxj", "zzqqxx", "xkcd", "qwrt", "zzzzqqqq"])
def test_keyboard_mashing_finds_nothing(catalog, mashed):
    # "zzqqxx" reduces by sound to the skeleton of "Jack"; a vowelless word names nothing.
    assert catalog.search(mashed, 10) == []


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


def test_normalise_keeps_the_vowel_signs_of_indian_scripts():
    assert normalise("शोले") == "शोले"  # one word, not "श ल"
    assert normalise("कभी ख़ुशी") == normalise("कभी खुशी")  # the nukta goes
    assert normalise("চারুলতা!") == "চারুলতা"
    assert normalise("Левиафан") == "левиафан"
