"""A provider that answers a mood with no films has not answered it (issue 29, finding 10):
TMDB has no "Musical", so "lift my mood" for happy gave 0 films with ``source: provider``.
Now a genre a provider names otherwise is translated (TMDB's "Music"), its films count as
the rule's genre, and an empty pool is served like a failure: the stale entry, else the
embedded catalog (``source: fallback``). Every emotion, in either mode, gets films."""

import pytest

from emotionpix.cache.sql import SQLCache
from emotionpix.core.emotions import EMOTIONS
from emotionpix.core.filters import Filters
from emotionpix.db import make_engine
from emotionpix.providers.http import HttpSettings
from emotionpix.providers.tmdb import TmdbProvider
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import MODES
from emotionpix.recommend.recommender import Recommender
from tests.fakes import FakeProvider, make_movies
from tests.standins import tmdb


@pytest.fixture
def cache(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield SQLCache(engine, ttl=3600, stale_ttl=600, clock=clock)
    engine.dispose()


def service(provider, cache, fallback=None):
    return Recommender(provider, cache, build_mapping(), Filters(min_votes=10), fallback=fallback)


CATALOG = make_movies("Musical", 30, genres=("Musical", "Comedy")) + make_movies("Comedy", 30)


@pytest.mark.integration  # the TMDB stand-in over HTTP
def test_every_emotion_in_either_mode_gets_films_from_tmdb(make_app, tmdb_config):
    client = make_app(**tmdb_config).test_client()
    empty = {}
    for emotion in EMOTIONS:
        for mode in MODES:
            answer = client.get(f"/api/recommendations?emotion={emotion}&mode={mode}")
            assert answer.status_code == 200
            body = answer.get_json()
            if not body["movies"]:
                empty[f"{emotion} ({mode})"] = (body["genre"], body["source"])
    assert not empty, f"no films for: {empty}"


@pytest.mark.integration
def test_a_genre_tmdb_has_no_films_of_falls_back_rather_than_show_nothing(make_app, tmdb_config):
    lift_to_animation = {"lift": {"happy": {"genre": "Animation"}}}  # TMDB has the genre
    body = (
        make_app(**tmdb_config, MOOD_FIT=lift_to_animation)
        .test_client()
        .get("/api/recommendations?emotion=happy&mode=lift")
        .get_json()
    )
    # the stand-in has no animated films
    assert (body["genre"], body["source"]) == ("Animation", "fallback")
    assert len(body["movies"]) == 20
    assert all(movie["id"].startswith("Q") for movie in body["movies"])  # the catalog's


@pytest.mark.integration
def test_tmdb_is_asked_for_its_music_genre_when_a_mood_wants_musicals(tmdb_api):
    settings = HttpSettings(base_url=f"{tmdb_api.url}/3", retries=0)
    TmdbProvider.connect(settings, api_key=tmdb.API_KEY).discover("Musical", Filters(), 20)
    calls = [r["args"] for r in tmdb_api.requests if r["path"] == "/3/discover/movie"]
    assert calls
    assert {call["with_genres"] for call in calls} == {str(tmdb.GENRE_IDS["Music"])}


def test_a_provider_answering_nothing_gives_way_to_the_fallback(cache):
    recommender = service(FakeProvider([]), cache, fallback=FakeProvider(CATALOG, "catalog"))
    for mode in MODES:
        answer = recommender.recommend("happy", mode=mode)
        assert answer.source == "fallback"
        assert answer.movies
    assert cache.stats().to_dict()["provider_empty"] == 2
    assert cache.stats().to_dict()["fallback_answers"] == 2


def test_an_empty_answer_is_not_cached_over_the_films_kept_before(cache, clock):
    provider = FakeProvider(CATALOG)
    recommender = service(provider, cache, fallback=FakeProvider([], "catalog"))
    assert recommender.recommend("happy").source == "provider"
    clock.advance(3601)  # expired, still kept as a stand-in
    provider.movies = []
    answer = recommender.recommend("happy")
    assert (answer.source, len(answer.movies)) == ("stale", 20)
    provider.movies = CATALOG
    assert recommender.recommend("happy").source == "provider"


def test_films_a_provider_files_under_another_name_fit_the_rule(cache):
    class Renaming(FakeProvider):
        """Calls musicals "Music", as TMDB does, and translates the rules' name."""

        def discover(self, genre, filters, limit):
            return super().discover("Music" if genre == "Musical" else genre, filters, limit)

    musicals = make_movies("Music", 30, genres=("Music", "Comedy"))
    recommender = service(Renaming(musicals), cache, fallback=FakeProvider(CATALOG, "catalog"))
    answer = recommender.recommend("happy", mode="lift")
    assert (answer.genre, answer.source) == ("Musical", "provider")
    assert {movie.id for movie in answer.movies} <= {movie.id for movie in musicals}
    assert len(answer.movies) == 20
