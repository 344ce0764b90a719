"""The decoded values the cache backends keep (a cachetools LRUCache behind a lock): bounded,
least recently used out, and only ever reused for the version they were read at (the backends
compare versions)."""

from emotionpix.cache.base import DecodedValues, lifetimes


def test_the_least_recently_used_value_goes_first():
    kept: DecodedValues[int] = DecodedValues(size=2)
    kept.put("a", 1, ["a"])
    kept.put("b", 1, ["b"])
    assert kept.get("a") == (1, ["a"])  # "a" is now the most recent
    kept.put("c", 1, ["c"])
    assert kept.get("b") is None
    assert kept.get("a") == (1, ["a"])
    assert kept.get("c") == (1, ["c"])


def test_a_newer_version_replaces_the_older_and_clear_forgets_all():
    kept: DecodedValues[float] = DecodedValues(size=4)
    kept.put("a", 1.0, "old")
    kept.put("a", 2.0, "new")
    assert kept.get("a") == (2.0, "new")
    kept.clear()
    assert kept.get("a") is None


def test_a_value_with_its_own_ttl_stays_stale_at_most_as_long_again():
    assert lifetimes(None, 3600, 86400) == (3600, 86400)
    assert lifetimes(60, 3600, 86400) == (60, 60)
    assert lifetimes(7200, 3600, 600) == (7200, 600)
