"""The Cache contract, run against every backend: SQLite here, PostgreSQL and Redis on the
shared servers (integration)."""

import os
import time
import uuid

import pytest
from sqlalchemy import text

from emotionpix.cache import CacheEntry
from emotionpix.cache.redis import RedisCache, connect
from emotionpix.cache.sql import SQLCache
from emotionpix.db import make_engine

POSTGRES_URL = os.environ.get(
    "EMOTIONPIX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("EMOTIONPIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.integration),
        pytest.param("redis", marks=pytest.mark.integration),
    ]
)
def make_cache(request, tmp_path, clock):
    if request.param == "redis":
        yield from _redis_caches(clock)
        return
    if request.param == "sqlite":
        base = engine = make_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
        schema = None
    else:
        # Each test gets its own schema, so runs never see each other's rows.
        schema = f"test_{uuid.uuid4().hex[:12]}"
        base = make_engine(POSTGRES_URL)
        with base.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = base.execution_options(schema_translate_map={None: schema})

    def factory(ttl=3600, stale_ttl=600, max_entries=10_000):
        return SQLCache(engine, ttl=ttl, stale_ttl=stale_ttl, clock=clock, max_entries=max_entries)

    yield factory
    if schema:
        with base.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    base.dispose()


def _redis_caches(clock):
    """Redis caches under a key prefix of this test's own (runs never see each other's keys),
    deleted afterwards."""
    client = connect(REDIS_URL, timeout=2.0)
    prefix = f"test:{uuid.uuid4().hex[:12]}:"

    def factory(ttl=3600, stale_ttl=600, max_entries=10_000):
        return RedisCache(
            client, prefix, ttl=ttl, stale_ttl=stale_ttl, clock=clock, max_entries=max_entries
        )

    yield factory
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_round_trip_counts_a_hit(make_cache):
    cache = make_cache()
    cache.set("k", {"movies": [{"id": "Q1", "title": "Ä"}]})
    entry = cache.get("k")
    assert entry.fresh
    assert entry.value == {"movies": [{"id": "Q1", "title": "Ä"}]}
    assert cache.stats().hits == 1


def test_missing_key_counts_a_miss(make_cache):
    cache = make_cache()
    assert cache.get("nope") is None
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.hit_rate) == (0, 1, 0.0)


def test_empty_results_are_cached(make_cache):
    cache = make_cache()
    cache.set("empty", [])
    cache.set("none", None)
    assert cache.get("empty").value == []
    assert cache.get("none").fresh


def test_entry_goes_stale_after_ttl_then_is_purged(make_cache, clock):
    cache = make_cache(ttl=60, stale_ttl=600)
    cache.set("k", [1])
    clock.advance(59)
    assert cache.get("k").fresh
    clock.advance(2)
    stale = cache.get("k")
    assert not stale.fresh
    assert stale.value == [1]
    assert cache.stats().entries == 0
    clock.advance(600)
    assert cache.get("k") is None
    assert cache.purge_expired() == 1


def test_set_purges_rows_past_their_stale_period(make_cache, clock):
    cache = make_cache(ttl=10, stale_ttl=0)
    cache.set("old", 1)
    clock.advance(11)
    cache.set("new", 2)
    assert cache.purge_expired() == 0  # "old" already went when "new" was written
    assert cache.get("old") is None


def test_a_value_can_have_its_own_ttl(make_cache, clock):
    cache = make_cache(ttl=10, stale_ttl=100)
    cache.set("long", 1, ttl=1000)
    cache.set("short", 2)
    clock.advance(11)
    assert (cache.get("long").fresh, cache.get("short").fresh) == (True, False)
    clock.advance(1000)
    assert cache.get("long").fresh is False


def test_a_short_lived_value_is_not_kept_a_whole_stale_period(make_cache, clock):
    cache = make_cache(ttl=3600, stale_ttl=86400)
    cache.set("nothing found", None, ttl=60)
    clock.advance(61)
    assert cache.get("nothing found").fresh is False  # stale, for a minute more
    clock.advance(60)
    assert cache.get("nothing found") is None
    assert cache.purge_expired() == 1


def test_overwrite_refreshes(make_cache, clock):
    cache = make_cache(ttl=10)
    cache.set("k", "a")
    clock.advance(9)
    cache.set("k", "b")
    clock.advance(9)
    entry = cache.get("k")
    assert (entry.value, entry.fresh) == ("b", True)


def test_stats_count_entries_hits_misses_and_named_counters(make_cache):
    cache = make_cache()
    cache.set("a", 1)
    cache.set("b", 2)
    cache.get("a")
    cache.get("a")
    cache.get("c")
    cache.count("provider_calls")
    cache.count("errors", 3)
    cache.count("errors")
    assert cache.stats().to_dict() == {
        "hits": 2,
        "misses": 1,
        "hit_rate": 0.6667,
        "provider_calls": 1,
        "errors": 4,
        "entries": 2,
    }


def test_counters_are_shared_between_instances(make_cache):
    first, second = make_cache(), make_cache()
    first.set("k", 1)
    second.get("k")
    second.count("calls")
    first.count("calls")
    assert (first.stats().hits, first.stats().counters) == (1, {"calls": 2})


def test_clear_empties_entries_and_counters(make_cache):
    cache = make_cache()
    cache.set("k", 1)
    cache.get("k")
    cache.count("calls")
    cache.clear()
    assert cache.stats().to_dict() == {
        "hits": 0,
        "misses": 0,
        "hit_rate": 0.0,
        "calls": 0,
        "entries": 0,
    }
    assert cache.get("k") is None


def test_a_value_rewritten_elsewhere_is_seen(make_cache, clock):
    reader, writer = make_cache(), make_cache()
    writer.set("k", ["old"])
    assert reader.get("k").value == ["old"]
    clock.advance(1)
    writer.set("k", ["new"])
    assert reader.get("k").value == ["new"]
    writer.clear()
    assert reader.get("k") is None


def test_the_number_of_entries_is_bounded(make_cache, clock):
    cache = make_cache(max_entries=10)
    for i in range(150):
        clock.advance(1)
        cache.set(f"k{i}", i)
    assert cache.stats().entries <= 10 + 64  # SQL trims every 64 writes, Redis on each
    assert cache.get("k149").value == 149  # the newest stay
    assert cache.get("k0") is None  # the oldest went


def test_any_key_fits(make_cache):
    cache = make_cache()
    keys = ["x" * 5000, "nul\x00byte", "ünïcødé 🎬", "spaces and:colons*?"]
    for i, key in enumerate(keys):
        cache.set(key, i)
    assert [cache.get(key).value for key in keys] == [0, 1, 2, 3]


def test_get_many_finds_fresh_and_stale_entries_in_one_call_and_counts_each(make_cache, clock):
    cache = make_cache(ttl=60, stale_ttl=600)
    cache.set("old", ["o"])
    clock.advance(61)
    long_key = "ü" * 300
    cache.set("new", {"n": 1})
    cache.set(long_key, None)
    found = cache.get_many(["new", "old", "absent", long_key])
    assert found == {
        "new": CacheEntry({"n": 1}, fresh=True),
        "old": CacheEntry(["o"], fresh=False),
        long_key: CacheEntry(None, fresh=True),
    }
    assert (cache.stats().hits, cache.stats().misses) == (2, 2)
    assert cache.get_many([]) == {}


def test_get_many_sees_a_value_rewritten_elsewhere(make_cache, clock):
    reader, writer = make_cache(), make_cache()
    writer.set("a", ["old"])
    writer.set("b", ["kept"])
    assert reader.get_many(["a", "b"])["a"].value == ["old"]
    clock.advance(1)
    writer.set("a", ["new"])
    assert {k: e.value for k, e in reader.get_many(["a", "b"]).items()} == {
        "a": ["new"],
        "b": ["kept"],
    }
    assert reader.get("a").value == ["new"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def sql_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'tally.sqlite3'}")
        yield engine
    else:
        url = request.getfixturevalue("postgres_url")
        yield (engine := make_engine(url))
    engine.dispose()


def test_sql_lookups_tallied_in_the_process_reach_every_other_one(sql_engine, clock):
    """SQLCache(tally_every=…): lookups stay read-only; their counts are written within the
    interval, and before the process's own stats."""
    first = SQLCache(sql_engine, clock=clock, tally_every=0.2)
    second = SQLCache(sql_engine, clock=clock, tally_every=0.2)
    first.set("k", 1)
    for _ in range(3):
        first.get("k")
    first.get("absent")
    assert (first.stats().hits, first.stats().misses) == (3, 1)
    second.get("k")
    time.sleep(0.25)
    second.get("k")  # the interval is over: both of its lookups are written
    assert (first.stats().hits, first.stats().misses) == (5, 1)
