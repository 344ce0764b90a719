"""The app with its cache on Redis: shared answers and counters, and an outage of its own
Redis (stopped, hung) that costs a deadline, then heals without a restart."""

import os
import time
import uuid

import pytest

from emotionpix.cache import build_cache
from emotionpix.cache.base import CacheUnavailable
from emotionpix.cache.redis import connect
from emotionpix.wiring import recommender
from tests.integration.private_redis import PrivateRedis

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("EMOTIONPIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def prefix():
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = connect(REDIS_URL, timeout=2.0)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.close()


def test_two_apps_share_the_redis_cache(make_app, prefix):
    first, second = (
        make_app(CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix).test_client() for _ in range(2)
    )
    assert first.get("/api/recommendations?emotion=fear").get_json()["source"] == "provider"
    assert second.get("/api/recommendations?emotion=fear").get_json()["source"] == "cache"
    stats = second.get("/api/cache/stats").get_json()
    assert (stats["hits"], stats["provider_calls"]) == (1, 1)
    assert first.get("/api/cache/stats").get_json() == stats
    for client in (first, second):
        recommender(client.application).cache.inner.client.close()


def test_without_the_redis_package_the_message_says_what_to_install(make_app, monkeypatch):
    import sys

    from emotionpix.config import ConfigError

    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ConfigError, match=r"pip install 'emotionpix\[redis\]'"):
        make_app(CACHE_URL=REDIS_URL)


def until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_a_redis_outage_is_bypassed_then_heals(private_redis, fault):
    cache = build_cache(private_redis.url, ttl=60, stale_ttl=60, timeout=0.5, cooldown=0.3)
    cache.set("k", [1])
    assert cache.get("k").value == [1]

    private_redis.stop() if fault == "stopped" else private_redis.freeze()
    start = time.monotonic()
    assert cache.get("k") is None  # a miss, within the deadline
    cache.set("other", 2)  # dropped
    assert time.monotonic() - start < 1.0  # one timeout, then the store is left alone
    assert cache.bypassed == 2
    with pytest.raises(CacheUnavailable):
        cache.stats()

    private_redis.start() if fault == "stopped" else private_redis.thaw()

    def heals():
        cache.set("k", [2])
        entry = cache.get("k")
        return entry is not None and entry.value == [2]

    until(heals)
    assert cache.stats().entries >= 1
    cache.inner.client.close()
