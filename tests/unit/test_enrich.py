"""The enrichment of catalog films with TMDB's posters and plots: memory, then the cache in
one round trip per page, then TMDB, one lookup per film at a time."""

import threading
from collections import Counter

import pytest

from emotionpix.cache.sql import SQLCache
from emotionpix.core.movies import Movie
from emotionpix.db import make_engine
from emotionpix.providers import ProviderError
from emotionpix.recommend.enrich import Enricher

FILMS = [Movie(f"Q{i}", f"Film {i}", imdb_id=f"tt{i:07d}") for i in range(20)]


class FakeTmdb:
    """Finds every film, with a poster named after its IMDb id; can fail or be held."""

    attribution, attribution_url = "TMDB", "https://www.themoviedb.org/"

    def __init__(self):
        self.asked = []
        self.failing = False
        self.gate = None

    def find_by_imdb(self, imdb_id):
        self.asked.append(imdb_id)
        if self.gate is not None:
            self.gate.wait(5)
        if self.failing:
            raise ProviderError("TMDB is down")
        return Movie(f"t{imdb_id}", "x", poster_url=f"https://img/{imdb_id}.jpg", overview="Plot")

    def details(self, tmdb_id):
        return None

    def stats(self):
        return {}


class CountingCache:
    """A cache that counts the calls made to its store."""

    def __init__(self, inner):
        self.inner, self.calls = inner, Counter()

    def __getattr__(self, name):
        self.calls[name] += 1
        return getattr(self.inner, name)


@pytest.fixture
def cache(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield CountingCache(SQLCache(engine, clock=clock))
    engine.dispose()


@pytest.fixture
def tmdb():
    return FakeTmdb()


def posters(movies):
    return [movie.poster_url for movie in movies]


def test_a_page_reads_the_cache_in_one_round_trip_not_one_per_film(tmdb, cache):
    first = Enricher(tmdb, cache, wait=5.0).cards(FILMS)
    assert posters(first) == [f"https://img/{film.imdb_id}.jpg" for film in FILMS]
    assert (cache.calls["get_many"], cache.calls["get"], cache.calls["set"]) == (1, 0, 20)

    cache.calls.clear()
    tmdb.asked.clear()
    another_process = Enricher(tmdb, cache, wait=5.0)
    assert posters(another_process.cards(FILMS)) == posters(first)
    assert (cache.calls, tmdb.asked) == ({"get_many": 1}, [])

    cache.calls.clear()
    assert posters(another_process.cards(FILMS)) == posters(first)
    assert cache.calls == {}  # remembered in memory


def test_what_is_remembered_expires_with_its_ttl(tmdb, cache, clock):
    enricher = Enricher(tmdb, cache, wait=5.0, ttl=60, clock=clock)
    enricher.cards(FILMS[:1])
    assert tmdb.asked == [FILMS[0].imdb_id]
    clock.advance(61)  # past the memory's and the entry's freshness
    enricher.cards(FILMS[:1])
    assert tmdb.asked == [FILMS[0].imdb_id] * 2


def test_a_failing_tmdb_leaves_the_expired_answer_in_place(tmdb, cache, clock):
    enricher = Enricher(tmdb, cache, wait=5.0, ttl=60, clock=clock)
    kept = posters(enricher.cards(FILMS[:3]))
    clock.advance(61)
    tmdb.failing = True
    assert posters(enricher.cards(FILMS[:3])) == kept
    assert enricher.stats()["failed"] == 3


def test_pages_asking_for_the_same_film_at_once_share_one_lookup(tmdb, cache):
    enricher, tmdb.gate = Enricher(tmdb, cache, wait=5.0), threading.Event()
    pages = [threading.Thread(target=enricher.cards, args=(FILMS[:2],)) for _ in range(3)]
    for page in pages:
        page.start()
    threading.Timer(0.3, tmdb.gate.set).start()
    for page in pages:
        page.join(5)
    assert sorted(tmdb.asked) == [FILMS[0].imdb_id, FILMS[1].imdb_id]
