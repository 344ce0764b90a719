"""The guard around a cache store: a failing store is bypassed (reads miss, writes drop),
counted, and said to be unavailable."""

from emotionpix.cache import CacheUnavailable, GuardedCache
from tests.conftest import FakeClock


class DownStore:
    """A store whose every call fails."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise CacheUnavailable("down")

        return fail


def test_a_failing_store_is_bypassed_by_every_call():
    guard = GuardedCache(DownStore(), timeout=None, cooldown=5.0, clock=FakeClock())
    assert guard.available
    assert guard.get_many(["a", "b"]) == {}
    assert guard.get("a") is None
    guard.set("a", 1)
    assert (guard.bypassed, guard.available) == (3, False)
