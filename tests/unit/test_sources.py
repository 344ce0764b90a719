"""Where an answer comes from: fresh cache entry, provider, stale entry, fallback provider;
one provider call per key at a time."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from emotionpix.cache.sql import SQLCache
from emotionpix.core.errors import ServiceUnavailable
from emotionpix.db import make_engine
from emotionpix.recommend.sources import NEGATIVE_TTL, Sources, worst
from tests.fakes import FakeProvider, make_movies


@pytest.fixture
def cache(tmp_path, clock):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield SQLCache(engine, ttl=3600, stale_ttl=600, clock=clock)
    engine.dispose()


@pytest.fixture
def provider():
    return FakeProvider(make_movies("Comedy", 5))


@pytest.fixture
def fallback():
    return FakeProvider(make_movies("Drama", 3), name="catalog")


def titles(provider):
    return [m.title for m in provider.search("Film", 10)]


def counters(cache):
    return cache.stats().counters


def test_the_provider_answers_first_then_the_cache(provider, cache):
    sources = Sources(provider, cache)
    assert sources.answer("k", titles) == (titles(provider), "provider")
    assert sources.answer("k", titles)[1] == "cache"
    assert provider.calls == 2  # one for the answer above, one for the expected value
    assert counters(cache) == {"provider_calls": 1}


def test_an_expired_entry_is_refreshed_from_the_provider(provider, cache, clock):
    sources = Sources(provider, cache)
    sources.answer("k", titles)
    clock.advance(3601)
    assert sources.answer("k", titles)[1] == "provider"


def test_a_failing_provider_is_stood_in_for_by_the_stale_entry(provider, cache, clock):
    sources = Sources(provider, cache)
    fresh, _ = sources.answer("k", titles)
    clock.advance(3601)
    provider.failing = True
    assert sources.answer("k", titles) == (fresh, "stale")
    assert counters(cache) == {"provider_calls": 2, "provider_errors": 1, "stale_answers": 1}


def test_without_a_stale_entry_the_fallback_answers_uncached(provider, fallback, cache):
    sources = Sources(provider, cache, fallback)
    provider.failing = True
    assert sources.answer("k", titles) == (titles(fallback), "fallback")
    assert cache.stats().entries == 0  # not kept as the provider's answer
    assert counters(cache)["fallback_answers"] == 1


def test_a_stale_entry_beats_the_fallback(provider, fallback, cache, clock):
    sources = Sources(provider, cache, fallback)
    fresh, _ = sources.answer("k", titles)
    clock.advance(3601)
    provider.failing = True
    assert sources.answer("k", titles) == (fresh, "stale")


@pytest.mark.parametrize("with_fallback", [False, True])
def test_when_nothing_can_stand_in_it_is_unavailable(provider, fallback, cache, with_fallback):
    sources = Sources(provider, cache, fallback if with_fallback else None)
    provider.failing = fallback.failing = True
    with pytest.raises(ServiceUnavailable):
        sources.answer("k", titles)


def test_an_answer_with_nothing_to_show_gives_way_to_a_stand_in(provider, fallback, cache):
    sources = Sources(provider, cache, fallback)
    provider.movies = []
    assert sources.answer("k", titles, usable=bool) == (titles(fallback), "fallback")
    assert counters(cache)["provider_empty"] == 1


def test_nothing_found_is_cached_briefly(provider, cache, clock):
    sources = Sources(provider, cache)
    provider.movies = []
    assert sources.answer("k", titles) == ([], "provider")
    assert sources.answer("k", titles)[1] == "cache"
    clock.advance(NEGATIVE_TTL + 1)
    assert sources.answer("k", titles)[1] == "provider"


def test_requests_for_the_same_missing_key_make_one_provider_call(provider, cache):
    sources = Sources(provider, cache)
    provider.gate = threading.Event()
    with ThreadPoolExecutor(5) as pool:
        answers = [pool.submit(sources.answer, "k", titles) for _ in range(5)]
        while provider.calls == 0:
            time.sleep(0.01)
        time.sleep(0.1)  # the other four are waiting by now
        provider.gate.set()
        found = sorted(answer.result()[1] for answer in answers)
    assert provider.calls == 1
    assert found == ["cache", "cache", "cache", "cache", "provider"]


def test_a_blend_is_as_degraded_as_its_worst_pool():
    assert worst(["cache", "stale", "provider"]) == "stale"
    assert worst(["fallback", "stale"]) == "fallback"
    assert worst(["cache", "provider"]) == "provider"
    assert worst(["cache"]) == "cache"
