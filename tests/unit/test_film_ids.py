"""IMDb id -> TMDB id, kept for months (ids never change), a film TMDB lacks for a week."""

import pytest

from emotionpix.cache.sql import SQLCache
from emotionpix.db import make_engine
from emotionpix.recommend.film_ids import FilmIds

DAY = 86400


@pytest.fixture
def ids(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield FilmIds(SQLCache(engine, clock=clock), "tmdb")
    engine.dispose()


def test_ids_are_kept_for_months_and_unknown_films_for_a_week(ids, clock):
    ids.remember({"tt0073707": "8392", "tt0000001": None})
    assert ids.known(["tt0073707", "tt0000001", "tt0000002"]) == {
        "tt0073707": "8392",
        "tt0000001": None,
    }
    clock.advance(8 * DAY)  # availability (a day) is long gone; the id is not
    assert ids.known(["tt0073707", "tt0000001"]) == {"tt0073707": "8392"}
    clock.advance(170 * DAY)
    assert ids.known(["tt0073707"]) == {"tt0073707": "8392"}
    clock.advance(3 * DAY)  # past six months: TMDB's terms
    assert ids.known(["tt0073707"]) == {}


def test_sources_keep_their_own_ids(ids):
    ids.remember({"tt0073707": "8392"})
    other = FilmIds(ids.cache, "another")
    assert other.known(["tt0073707"]) == {}
    assert ids.known([]) == {}
