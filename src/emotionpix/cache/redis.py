"""Cache backend on Redis (``pip install 'emotionpix[redis]'``), for several servers.

Each entry is a hash (the JSON value and its created, expires and purge times); three sorted
sets index the entries by those times, so that purging, counting fresh entries and dropping
the oldest beyond ``max_entries`` never scan the keyspace; counters are one hash. Reads and
writes run as Lua scripts: one round trip each (a lookup of several keys too), atomic against
other workers. Redis also expires each entry by itself when its stale period ends. All keys
start with ``prefix``, so one Redis can serve several apps (or test runs); a single Redis (or a
primary), not a Cluster.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from emotionpix.cache.base import (
    Cache,
    CacheEntry,
    CacheStats,
    CacheUnavailable,
    DecodedValues,
    lifetimes,
    storable_key,
)

if TYPE_CHECKING:
    import redis


# KEYS: the entries, then the counters. ARGV: now, then for each entry the version the
# caller has decoded already. Returns for each entry false (absent, or past its stale
# period) or {version, fresh, value or false}; counts a hit or a miss for each.
_GET_MANY = """
local now = tonumber(ARGV[1])
local counters = KEYS[#KEYS]
local found, hits = {}, 0
for i = 1, #KEYS - 1 do
  local e = redis.call('HMGET', KEYS[i], 'c', 'x', 'p')
  if not e[1] or tonumber(e[3]) <= now then
    found[i] = false
  else
    local fresh = tonumber(e[2]) > now
    if fresh then hits = hits + 1 end
    local value = false
    if e[1] ~= ARGV[i + 1] then value = redis.call('HGET', KEYS[i], 'v') end
    found[i] = {e[1], fresh and 1 or 0, value}
  end
end
if hits > 0 then redis.call('HINCRBY', counters, 'hits', hits) end
if #KEYS - 1 > hits then redis.call('HINCRBY', counters, 'misses', #KEYS - 1 - hits) end
return found
"""

# Drops the entries whose stale period is over (at most 1000 a call); returns how many.
_PURGE_FUNCTION = """
local function drop(member)
  redis.call('DEL', ARGV[1] .. member)
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
end
local function purge(now)
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
  for _, member in ipairs(old) do drop(member) end
  return #old
end
"""

# KEYS: expires, purge, age (sorted sets), entry. ARGV: entry prefix, key, value, created,
# expires, purge, now, max entries, milliseconds until Redis may drop it.
_SET = (
    _PURGE_FUNCTION
    + """
purge(ARGV[7])
redis.call('HSET', KEYS[4], 'v', ARGV[3], 'c', ARGV[4], 'x', ARGV[5], 'p', ARGV[6])
redis.call('PEXPIRE', KEYS[4], ARGV[9])
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
local surplus = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[8])
if surplus > 0 then
  for _, member in ipairs(redis.call('ZRANGE', KEYS[3], 0, surplus - 1)) do drop(member) end
end
"""
)

# KEYS: expires, purge, age. ARGV: entry prefix, now.
_PURGE = _PURGE_FUNCTION + "return purge(ARGV[2])"


class RedisCache(Cache):
    """Entries and counters in Redis under ``prefix``. Like ``SQLCache`` it keeps the last
    decoded values (up to ``memo_size``) and reuses one while the entry has not been
    rewritten, so returned values may be shared: treat them as read-only."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "emotionpix:cache:",
        ttl: int = 3600,
        stale_ttl: int = 86400,
        clock: Callable[[], float] = time.time,
        memo_size: int = 64,
        max_entries: int = 10_000,
    ):
        self.client = client
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entry = f"{prefix}e:"
        self._counters = f"{prefix}counters"
        self._indexes = [f"{prefix}expires", f"{prefix}purge", f"{prefix}age"]
        self._prefix = prefix
        self._get_many = client.register_script(_GET_MANY)
        self._set = client.register_script(_SET)
        self._purge = client.register_script(_PURGE)
        self._decoded: DecodedValues[bytes] = DecodedValues(memo_size)

    def _run(self, operation: Callable[[], Any]) -> Any:
        """Any Redis failure becomes CacheUnavailable; redis-py reconnects on the next call."""
        from redis.exceptions import RedisError

        try:
            return operation()
        except RedisError as exc:
            raise CacheUnavailable(f"the cache store failed ({type(exc).__name__})") from None

    def get(self, key: str) -> CacheEntry | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Sequence[str]) -> dict[str, CacheEntry]:
        """One script call, however many keys: it sends only the values this process has
        not decoded at their current version."""
        asked = {storable_key(key): key for key in keys}
        if not asked:
            return {}
        known = {key: self._decoded.get(key) for key in asked}
        versions = [found[0] if found else b"" for found in known.values()]
        replies = self._run(
            lambda: self._get_many(
                keys=[*(self._entry + key for key in asked), self._counters],
                args=[repr(self._clock()), *versions],
            )
        )
        entries = {}
        for (key, kept), reply in zip(known.items(), replies, strict=True):
            if reply is None:
                continue
            version, fresh, text = reply
            if text is None and kept is not None:
                value = kept[1]
            else:
                value = json.loads(text)
                self._decoded.put(key, version, value)
            entries[asked[key]] = CacheEntry(value=value, fresh=bool(fresh))
        return entries

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        key = storable_key(key)
        now = self._clock()
        fresh_for, stale_for = lifetimes(ttl, self.ttl, self.stale_ttl)
        text = json.dumps(value, separators=(",", ":"))
        args: list[str | int | float] = [
            self._entry,
            key,
            text,
            repr(now),
            repr(now + fresh_for),
            repr(now + fresh_for + stale_for),
            repr(now),
            self.max_entries,
            max(1, int((fresh_for + stale_for) * 1000)),
        ]
        self._run(lambda: self._set(keys=[*self._indexes, self._entry + key], args=args))

    def count(self, name: str, amount: int = 1) -> None:
        self._run(lambda: self.client.hincrby(self._counters, name, amount))

    def purge_expired(self) -> int:
        return int(
            self._run(lambda: self._purge(keys=self._indexes, args=[self._entry, self._clock()]))
        )

    def clear(self) -> None:
        self._decoded.clear()

        def empty() -> None:
            doomed = list(self.client.scan_iter(match=f"{self._entry}*", count=1000))
            names = self.client.hkeys(self._counters)
            with self.client.pipeline() as pipe:
                for start in range(0, len(doomed), 1000):
                    pipe.delete(*doomed[start : start + 1000])
                pipe.delete(*self._indexes)
                if names:
                    pipe.hset(self._counters, mapping=dict.fromkeys(names, 0))
                pipe.execute()

        self._run(empty)

    def stats(self) -> CacheStats:
        def read() -> CacheStats:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hgetall(self._counters)
                pipe.zcount(self._indexes[0], f"({self._clock()!r}", "+inf")
                raw, entries = pipe.execute()
            counters = {name.decode(): int(value) for name, value in raw.items()}
            return CacheStats(
                hits=counters.pop("hits", 0),
                misses=counters.pop("misses", 0),
                entries=int(entries),
                counters=counters,
            )

        return self._run(read)  # type: ignore[no-any-return]


def connect(url: str, timeout: float) -> redis.Redis:
    """A client for ``url`` whose every wait is bounded by ``timeout`` seconds (the guard
    calls it directly, relying on that); a clear message when the ``redis`` package is not
    installed."""
    try:
        import redis
    except ImportError:
        raise ValueError(
            "a redis:// cache needs the redis package: pip install 'emotionpix[redis]'"
        ) from None
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        retry=Retry(NoBackoff(), 0),  # one try: the guard decides what happens next
    )
