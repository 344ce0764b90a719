"""scripts/build_catalog.py on a tiny source database with bokeh-sampledata's schema."""

import gzip
import json
import sqlite3

import pytest

from emotionpix.core.filters import Filters
from emotionpix.providers import ProviderError
from emotionpix.providers.catalog import BUNDLED_CATALOG, CatalogProvider, load_catalog
from tests.scripts import load_script


@pytest.fixture(scope="module")
def build_catalog():
    return load_script("build_catalog")


@pytest.fixture
def source_db(tmp_path):
    path = tmp_path / "movies.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            'CREATE TABLE omdb ("ID" INTEGER, "imdbID" TEXT, "Title" TEXT, "Year" INTEGER, '
            '"Rating" TEXT, "Runtime" REAL, "Genre" TEXT, "Released" TEXT, "Director" TEXT, '
            '"Writer" TEXT, "Cast" TEXT, "Metacritic" INTEGER, "imdbRating" REAL, '
            '"imdbVotes" INTEGER, "Language" TEXT, "Country" TEXT, "Awards" TEXT, '
            '"lastUpdated" TEXT, "Oscars" INTEGER)'
        )
        conn.execute(
            'CREATE TABLE tomatoes ("ID" INTEGER, "Image" TEXT, "Rating" REAL, "Meter" INTEGER, '
            '"Reviews" INTEGER, "Fresh" INTEGER, "Rotten" INTEGER)'
        )
        conn.executemany(
            "INSERT INTO omdb (ID, imdbID, Title, Year, Rating, Runtime, Genre, Director, "
            '"Cast", Language, Country) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
            [
                (
                    949228,
                    "tt0073707",
                    " Sholay ",
                    1975,
                    "",
                    204.0,
                    "Action, Drama, Action",
                    "Ramesh Sippy",
                    "Amitabh Bachchan, Dharmendra",
                    "Hindi",
                    "India",
                ),
                (1, "tt0000001", "No Review", 1999, None, None, "", "", "", "", ""),
            ],
        )
        conn.execute(
            "INSERT INTO tomatoes (ID, Rating, Meter, Reviews) VALUES (949228, 8.0, 93, 15)"
        )
    return path


def test_build_writes_a_loadable_catalog(build_catalog, source_db, tmp_path):
    out = tmp_path / "catalog.json.gz"
    meta = build_catalog.build(source_db, out)
    assert meta["count"] == 2
    assert meta["license"] == "CC0-1.0"
    movies = load_catalog(out)
    sholay = movies[1]
    assert (sholay.id, sholay.title, sholay.year, sholay.runtime) == (
        "Q949228",
        "Sholay",
        1975,
        204,
    )
    assert sholay.genres == ("Action", "Drama")
    assert (sholay.rating, sholay.votes) == (8.0, 15)
    assert sholay.overview == (
        "Action and drama from India (1975). Directed by Ramesh Sippy. In Hindi. "
        "Critics: 8.0/10 from 15 reviews, 93% positive."
    )
    blank = movies[0]
    assert (blank.rating, blank.votes, blank.genres, blank.director) == (None, 0, (), None)
    assert blank.overview == "Film (1999)."


def test_build_is_deterministic(build_catalog, source_db, tmp_path):
    build_catalog.build(source_db, tmp_path / "a.json.gz")
    build_catalog.build(source_db, tmp_path / "b.json.gz")
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()


def test_a_built_catalog_serves_as_provider(build_catalog, source_db, tmp_path):
    out = tmp_path / "small.json.gz"
    build_catalog.build(source_db, out)
    provider = CatalogProvider(out)
    assert [m.title for m in provider.discover("Action", Filters(min_votes=10), 10)] == ["Sholay"]
    assert provider.get("tt0073707").title == "Sholay"


def test_bundled_catalog_has_the_whole_source():
    with gzip.open(BUNDLED_CATALOG) as handle:
        meta = json.load(handle)["meta"]
    movies = load_catalog(BUNDLED_CATALOG)
    assert meta["count"] == len(movies) == 17472
    assert len({m.id for m in movies}) == 17472


def test_a_corrupt_catalog_is_a_provider_error(tmp_path):
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(ProviderError, match="cannot read movie catalog"):
        load_catalog(broken)
