"""The recommender: mapping, paging, variety, close calls and cache behaviour."""

import json

import pytest
from sqlalchemy import select

from emotionpix.cache.sql import SQLCache, cache_entries
from emotionpix.core.errors import InvalidInput, NotFound, ServiceUnavailable
from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.db import make_engine
from emotionpix.recommend import recommender as recommender_module
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import build_moods
from emotionpix.recommend.recommender import Recommender, Settings
from emotionpix.recommend.records import BlendPart
from tests.fakes import FakeProvider, film, make_movies


@pytest.fixture
def provider():
    indian = [
        Movie(
            id=f"in{i}",
            title=f"Hindi Comedy {i}",
            year=2005,
            genres=("Comedy",),
            rating=7.6,
            votes=15,
            languages=("Hindi",),
            countries=("India",),
        )
        for i in range(3)
    ]
    return FakeProvider(make_movies("Comedy", 100) + make_movies("Drama", 30) + indian)


@pytest.fixture
def cache(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield SQLCache(engine, ttl=3600, stale_ttl=600, clock=clock)
    engine.dispose()


@pytest.fixture
def service(provider, cache):
    return Recommender(
        provider,
        cache,
        build_mapping(),
        Filters(min_votes=10),
        Settings(page_size=10, max_candidates=60, rotation_pages=2, spotlight_every=4),
    )


def test_happy_gets_comedy_films_that_pass_the_filters(service):
    result = service.recommend("happy", seed=1)
    assert (result.emotion, result.genre) == ("happy", "Comedy")
    assert len(result.movies) == 10
    assert all("Comedy" in m.genres and m.rating >= 7.0 for m in result.movies)


def test_first_request_goes_to_the_provider_then_the_cache(service, provider):
    assert service.recommend("happy", seed=1).source == "provider"
    assert service.recommend("happy", seed=2).source == "cache"
    assert service.recommend("happy", page=3, seed=2).source == "cache"
    assert provider.calls == 1
    stats = service.cache_stats()
    assert (stats["hits"], stats["misses"], stats["provider_calls"]) == (2, 1, 1)


def test_every_mood_and_mode_has_its_own_cache_entry(service, provider):
    service.recommend("sad")
    assert service.recommend("neutral").source == "provider"
    assert service.recommend("sad", mode="lift").source == "provider"
    assert service.recommend("neutral", seed=3).source == "cache"
    assert provider.calls == 3


def test_asking_twice_shows_a_different_first_page(service):
    first = [m.id for m in service.recommend("happy").movies]
    second = [m.id for m in service.recommend("happy").movies]
    assert first != second


def test_the_same_seed_pages_through_without_repeats(service):
    pages = [service.recommend("happy", page=p, seed=42) for p in range(1, 8)]
    ids = [m.id for page in pages for m in page.movies]
    assert len(ids) == len(set(ids)) == 60  # max_candidates
    assert [m.id for m in service.recommend("happy", page=2, seed=42).movies] == [
        m.id for m in pages[1].movies
    ]
    assert pages[4].has_more
    assert not pages[5].has_more
    assert pages[6].movies == []


def test_first_page_draws_from_the_best_films_only(service):
    ranked_best = {f"com{i}" for i in range(20)} | {"in0", "in1", "in2"}
    for seed in range(20):
        assert {m.id for m in service.recommend("happy", seed=seed).movies} <= ranked_best


def test_indian_films_are_spotlighted_on_the_first_pages(service):
    seen = {m.id for seed in range(5) for m in service.recommend("happy", seed=seed).movies}
    assert {"in0", "in1", "in2"} & seen


@pytest.fixture
def with_fallback(provider, cache):
    """A service whose provider counts votes in thousands, with a catalog-like fallback."""
    catalog = FakeProvider(
        make_movies("Comedy", 30, votes=40), name="catalog", default_min_votes=10
    )
    service = Recommender(
        provider,
        cache,
        build_mapping(),
        Filters(min_votes=100),
        Settings(page_size=10, max_candidates=60),
        fallback=catalog,
    )
    return service, catalog


def test_the_fallback_answers_when_the_provider_fails_with_nothing_cached(with_fallback, provider):
    service, catalog = with_fallback
    provider.failing = True
    result = service.recommend("happy", seed=1)
    assert result.source == "fallback"
    assert len(result.movies) == 10  # its films have 40 votes: its own minimum (10) applies
    assert {m.id for m in result.movies} <= {m.id for m in catalog.movies}
    assert service.search("Comedy Film 1").source == "fallback"
    stats = service.cache_stats()
    assert (stats["provider_errors"], stats["fallback_answers"]) == (2, 2)
    assert stats["entries"] == 0  # fallback answers are not cached as the provider's


def test_details_while_the_provider_is_down(with_fallback, provider):
    service, catalog = with_fallback
    provider.failing = True
    assert service.movie(catalog.movies[0].id).title == catalog.movies[0].title
    with pytest.raises(ServiceUnavailable, match="not in the built-in catalog"):
        service.movie("dra3")  # the provider's film: not unknown, just unreachable


def test_stats_and_credits_name_the_sources(with_fallback):
    service, _ = with_fallback
    service.recommend("happy")
    stats = service.stats()
    assert stats["provider"] == {"name": "fake", "calls": 1}
    assert stats["cache"]["provider_calls"] == 1
    assert stats["enrichment"] is None
    assert service.credits() == [{"text": "Test films.", "url": "https://example.org/"}]


def test_empty_genre_is_cached_too(cache, provider):
    service = Recommender(provider, cache, build_mapping({"fear": "Horror"}), Filters(min_votes=10))
    assert service.recommend("fear").movies == []
    assert service.recommend("fear").source == "cache"
    assert provider.calls == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"emotion": "bored"}, "invalid_emotion"),
        ({"emotion": "happy", "page": 0}, "invalid_page"),
        ({"emotion": "happy", "page": 1001}, "invalid_page"),
        ({"emotion": "happy", "seed": -1}, "invalid_seed"),
    ],
)
def test_invalid_requests(service, kwargs, code):
    with pytest.raises(InvalidInput) as info:
        service.recommend(**kwargs)
    assert info.value.code == code


def test_search_is_cached_by_normalised_query(service, provider):
    assert service.search("Comedy Film 1").source == "provider"
    again = service.search("  comedy   film 1 ")
    assert again.source == "cache"
    assert again.query == "  comedy   film 1 "
    assert provider.calls == 1


@pytest.mark.parametrize("query", ["", "   ", "?!", "x" * 201])
def test_bad_queries(service, query):
    with pytest.raises(InvalidInput):
        service.search(query)


def test_movie_details_and_unknown_ids(service, provider):
    assert service.movie("com1").title == "Comedy Film 1"
    with pytest.raises(NotFound):
        service.movie("nope")
    with pytest.raises(NotFound):  # the "not found" answer is cached as well
        service.movie("nope")
    assert provider.calls == 2


@pytest.fixture
def dramas(cache):
    """Emotional dramas (romance) and contemplative ones (biopics), plus comedies."""
    romances = [film(f"rom{i}", "Romance", "Drama", rating=8.0 + i / 100) for i in range(30)]
    biopics = [film(f"bio{i}", "Biography", "Drama", "History") for i in range(30)]
    comedies = [film(f"com{i}", "Comedy", "Drama") for i in range(30)]
    provider = FakeProvider(romances + biopics + comedies)
    settings = Settings(page_size=10, max_candidates=60, rotation_pages=1, spotlight_countries=())
    return Recommender(provider, cache, build_mapping(), Filters(min_votes=10), settings)


def ids(result):
    return {m.id for m in result.movies}


def test_sad_and_neutral_keep_the_drama_genre_but_differ_in_feature(dramas):
    sad, neutral = dramas.recommend("sad", seed=1), dramas.recommend("neutral", seed=1)
    assert sad.genre == neutral.genre == "Drama"
    assert all(i.startswith("rom") for i in ids(sad))
    assert all(i.startswith("bio") for i in ids(neutral))


def test_films_below_the_fit_threshold_do_not_qualify(cache):
    incidental = film("x", "Comedy", "War", "Horror", "Crime", "Thriller", rating=9.9, votes=900)
    provider = FakeProvider([incidental, *make_movies("Comedy", 30)])
    service = Recommender(provider, cache, build_mapping(), Filters(min_votes=10))
    pages = [service.recommend("happy", page=p, seed=1) for p in (1, 2)]
    assert "x" not in {m.id for page in pages for m in page.movies}
    assert pages[0].total == 30


def test_the_ranking_puts_a_central_fit_before_a_slightly_better_rated_incidental_one(cache):
    central = film("central", "Comedy", rating=8.0)
    diluted = film("diluted", "Comedy", "Drama", "Western", rating=8.4)
    provider = FakeProvider([diluted, central])
    one_per_page = Settings(page_size=1, rotation_pages=1)  # nothing to shuffle
    service = Recommender(provider, cache, build_mapping(), Filters(min_votes=10), one_per_page)
    pages = [service.recommend("happy", page=p).movies[0].id for p in (1, 2)]
    assert pages == ["central", "diluted"]


def test_lift_mode_asks_for_the_lift_genre_and_says_so(dramas):
    result = dramas.recommend("sad", mode="lift", seed=1)
    assert (result.mode, result.genre) == ("lift", "Comedy")
    assert len(result.movies) == 10
    assert all(i.startswith("com") for i in ids(result))
    assert all(pick.reason.endswith("picked to lift your sad mood") for pick in result.picks)


def test_every_film_carries_a_reason_from_its_data(service):
    result = service.recommend("happy", seed=1)
    for pick in result.picks:
        assert pick.reason.startswith("A comedy, ")  # no profile: its genres alone
        assert f"{pick.movie.rating:.1f}/10 from {pick.movie.votes} votes" in pick.reason
        assert pick.to_dict()["reason"] == pick.reason


def test_a_close_call_blends_the_top_two_moods_in_proportion(dramas):
    result = dramas.recommend(probabilities={"sad": 0.45, "neutral": 0.3, "happy": 0.1}, seed=1)
    assert (result.emotion, result.genre) == ("sad", "Drama")
    assert result.blend == [BlendPart("sad", "Drama", 0.6), BlendPart("neutral", "Drama", 0.4)]
    assert result.to_dict()["blend"][1] == {"emotion": "neutral", "genre": "Drama", "weight": 0.4}
    assert sum(i.startswith("rom") for i in ids(result)) == 6
    runner_up = [p for p in result.picks if p.movie.id.startswith("bio")]
    assert all(p.reason.endswith("picked for the calm in your mood too") for p in runner_up)


def test_a_clear_winner_is_not_blended(dramas):
    result = dramas.recommend(probabilities={"sad": 0.7, "neutral": 0.3}, seed=1)
    assert result.blend is None
    assert all(i.startswith("rom") for i in ids(result))


def test_the_named_emotion_leads_a_close_call(dramas):
    result = dramas.recommend("neutral", probabilities={"sad": 0.41, "neutral": 0.4}, seed=1)
    assert [part.emotion for part in result.blend] == ["neutral", "sad"]


def test_a_blend_pages_through_one_order_without_repeats(dramas):
    probabilities = {"sad": 0.4, "neutral": 0.35}
    pages = [dramas.recommend(probabilities=probabilities, page=p, seed=9) for p in range(1, 7)]
    seen = [m.id for page in pages for m in page.movies]
    assert len(seen) == len(set(seen)) == 60


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"emotion": "happy", "mode": "cheer"}, "invalid_mode"),
        ({"probabilities": {"bored": 0.5}}, "invalid_emotions"),
        ({"probabilities": {"happy": 1.5}}, "invalid_emotions"),
        ({"probabilities": {"happy": 0.5, "happiness": 0.4}}, "invalid_emotions"),
        ({"emotion": "sad", "probabilities": {"happy": 0.5}}, "invalid_emotions"),
        ({}, "invalid_emotion"),
    ],
)
def test_invalid_modes_and_probabilities(service, kwargs, code):
    with pytest.raises(InvalidInput) as info:
        service.recommend(**kwargs)
    assert info.value.code == code


def test_fit_settings_are_part_of_the_cache_key(provider, cache):
    def service(fit):
        moods = build_moods(build_mapping(), fit)
        mapping, filters = build_mapping(), Filters(min_votes=10)
        return Recommender(provider, cache, mapping, filters, moods=moods)

    assert service({}).recommend("happy").source == "provider"
    assert service({}).recommend("happy").source == "cache"
    assert service({"threshold": 0.3}).recommend("happy").source == "provider"


def with_tagline(value):
    """A cached value as a Movie with one more field would have written it."""
    if isinstance(value, list):
        return [with_tagline(item) for item in value]
    if isinstance(value, dict):
        found = {key: with_tagline(item) for key, item in value.items()}
        return {**found, "tagline": "Older"} if {"id", "title"} <= set(value) else found
    return value


def test_entries_written_for_another_shape_of_movie_are_misses_not_errors(
    provider, cache, monkeypatch
):
    def recommender():
        return Recommender(provider, cache, build_mapping(), Filters(min_votes=10))

    monkeypatch.setattr(recommender_module, "MOVIE_SHAPE", "older")
    old = recommender()
    old.recommend("happy"), old.search("Comedy Film 1"), old.movie("com1")
    with cache.engine.connect() as conn:
        written = conn.execute(select(cache_entries.c.key, cache_entries.c.value)).all()
    assert len(written) == 3
    for key, value in written:  # as that older Movie, with a field of its own, wrote them
        cache.set(key, with_tagline(json.loads(value)))
    with pytest.raises(TypeError, match="tagline"):  # what reading them would do
        old.movie("com1")
    monkeypatch.undo()
    calls, new = provider.calls, recommender()
    assert new.recommend("happy").source == "provider"
    assert new.search("Comedy Film 1").source == "provider"
    assert new.movie("com1").title == "Comedy Film 1"
    assert provider.calls == calls + 3
