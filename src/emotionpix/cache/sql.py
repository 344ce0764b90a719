"""Cache backend on an SQL database through SQLAlchemy: an SQLite file by default (as in the
paper) or PostgreSQL, by URL."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, Float, String, Table, Text, delete, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from emotionpix.cache.base import COUNTERS, CacheEntry, CacheStats
from emotionpix.db import create_tables, metadata

_MISSING = object()

cache_entries = Table(
    "cache_entries",
    metadata,
    Column("key", String(512), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("purge_at", Float, nullable=False, index=True),
)

cache_counters = Table(
    "cache_counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)


# Both dialects' INSERT constructs offer ON CONFLICT with the same API.
_DIALECT_INSERT: dict[str, Callable[..., Any]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def _insert(dialect: str, table: Table, row: dict[str, Any]) -> Any:
    if dialect not in _DIALECT_INSERT:
        raise ValueError(f"the SQL cache supports SQLite and PostgreSQL, not {dialect}")
    return _DIALECT_INSERT[dialect](table).values(**row)


def _upsert(dialect: str, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE: concurrent writers of one key never collide."""
    statement = _insert(dialect, cache_entries, row)
    return statement.on_conflict_do_update(
        index_elements=[cache_entries.c.key],
        set_={name: statement.excluded[name] for name in row if name != "key"},
    )


def _add_to_counter(dialect: str, name: str, amount: int) -> Any:
    """INSERT the counter, or add to it: a counter exists from its first use."""
    statement = _insert(dialect, cache_counters, {"name": name, "value": amount})
    return statement.on_conflict_do_update(
        index_elements=[cache_counters.c.name],
        set_={"value": cache_counters.c.value + statement.excluded.value},
    )


class SQLCache:
    """Cache rows in ``cache_entries``; counters in ``cache_counters``.

    Decoding a large JSON value costs more than the database round trip, so each process
    keeps the last decoded values (up to ``memo_size``) and reuses one while the row's
    ``created_at`` shows it has not been rewritten. Returned values may therefore be shared
    between callers: treat them as read-only.
    """

    def __init__(
        self,
        engine: Engine,
        ttl: int = 3600,
        stale_ttl: int = 86400,
        clock: Callable[[], float] = time.time,
        memo_size: int = 64,
    ):
        self.engine = engine
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self._clock = clock
        self._memo: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._memo_size = memo_size
        self._memo_lock = threading.Lock()
        create_tables(engine, [cache_entries, cache_counters])
        self._ensure_counters()

    def _ensure_counters(self) -> None:
        with self.engine.begin() as conn:
            present = set(conn.scalars(select(cache_counters.c.name)))
        for name in COUNTERS:
            if name in present:
                continue
            try:
                with self.engine.begin() as conn:
                    conn.execute(cache_counters.insert().values(name=name, value=0))
            except IntegrityError:
                pass  # another worker created it first

    def _bump(self, conn: Any, name: str) -> None:
        conn.execute(
            sql_update(cache_counters)
            .where(cache_counters.c.name == name)
            .values(value=cache_counters.c.value + 1)
        )

    def get(self, key: str) -> CacheEntry | None:
        now = self._clock()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(cache_entries.c.created_at, cache_entries.c.expires_at).where(
                    cache_entries.c.key == key, cache_entries.c.purge_at > now
                )
            ).first()
            fresh = row is not None and row.expires_at > now
            self._bump(conn, "hits" if fresh else "misses")
            if row is None:
                return None
            value = self._remembered(key, row.created_at)
            if value is _MISSING:
                text = conn.scalar(select(cache_entries.c.value).where(cache_entries.c.key == key))
                if text is None:  # deleted between the two statements
                    return None
                value = json.loads(text)
                self._remember(key, row.created_at, value)
        return CacheEntry(value=value, fresh=fresh)

    def _remembered(self, key: str, version: float) -> Any:
        with self._memo_lock:
            found = self._memo.get(key)
            if found is None or found[0] != version:
                return _MISSING
            self._memo.move_to_end(key)
            return found[1]

    def _remember(self, key: str, version: float, value: Any) -> None:
        with self._memo_lock:
            self._memo[key] = (version, value)
            self._memo.move_to_end(key)
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        now = self._clock()
        fresh_for = self.ttl if ttl is None else ttl
        values = {
            "value": json.dumps(value, separators=(",", ":")),
            "created_at": now,
            "expires_at": now + fresh_for,
            "purge_at": now + fresh_for + self.stale_ttl,
        }
        with self.engine.begin() as conn:
            conn.execute(delete(cache_entries).where(cache_entries.c.purge_at <= now))
            conn.execute(_upsert(conn.dialect.name, {"key": key, **values}))

    def count(self, name: str, amount: int = 1) -> None:
        with self.engine.begin() as conn:
            conn.execute(_add_to_counter(conn.dialect.name, name, amount))

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(cache_entries).where(cache_entries.c.purge_at <= self._clock())
            )
        return int(result.rowcount)

    def clear(self) -> None:
        with self._memo_lock:
            self._memo.clear()
        with self.engine.begin() as conn:
            conn.execute(delete(cache_entries))
            conn.execute(sql_update(cache_counters).values(value=0))

    def stats(self) -> CacheStats:
        with self.engine.connect() as conn:
            counters = dict(
                conn.execute(select(cache_counters.c.name, cache_counters.c.value)).all()
            )
            entries = conn.scalar(
                select(func.count())
                .select_from(cache_entries)
                .where(cache_entries.c.expires_at > self._clock())
            )
        return CacheStats(
            hits=counters.pop("hits", 0),
            misses=counters.pop("misses", 0),
            entries=int(entries or 0),
            counters=counters,
        )
