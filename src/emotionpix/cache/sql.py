"""Cache backend on an SQL database through SQLAlchemy: an SQLite file by default (as in the
paper) or PostgreSQL, by URL.

Any key fits (long, or holding characters a database refuses, such as NUL: those are stored
as a readable prefix and a hash); the number of entries is bounded; a store that fails raises
``CacheUnavailable`` and heals by itself once the store is back (a fresh connection pool, the
tables made again, an SQLite file that was deleted or replaced noticed and reopened).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from emotionpix.cache.base import (
    Cache,
    CacheEntry,
    CacheStats,
    CacheUnavailable,
    DecodedValues,
    lifetimes,
    storable_key,
)
from emotionpix.db import create_tables, metadata, sqlite_file

TRIM_EVERY = 64  # writes between two checks of the number of entries
_GONE = object()  # a row deleted while it was being read

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


def _add_to_counter(conn: Any, name: str, amount: int) -> None:
    """INSERT the counter, or add to it: a counter exists from its first use."""
    conn.execute(_counter_statement(conn.dialect.name), {"name": name, "amount": amount})


@functools.cache
def _counter_statement(dialect: str) -> Any:
    # Built once per dialect: making a statement costs more than running it on a cache hit.
    statement = _insert(
        dialect, cache_counters, {"name": bindparam("name"), "value": bindparam("amount")}
    )
    return statement.on_conflict_do_update(
        index_elements=[cache_counters.c.name],
        set_={"value": cache_counters.c.value + statement.excluded.value},
    )


# A lookup's two statements, built once (see above).
_FIND = select(cache_entries.c.created_at, cache_entries.c.expires_at).where(
    cache_entries.c.key == bindparam("key"), cache_entries.c.purge_at > bindparam("now")
)
_VALUE = select(cache_entries.c.value).where(cache_entries.c.key == bindparam("key"))
# Several lookups in one statement, values included (a page's enrichments are small).
_FIND_MANY = select(
    cache_entries.c.key,
    cache_entries.c.created_at,
    cache_entries.c.expires_at,
    cache_entries.c.value,
).where(
    cache_entries.c.key.in_(bindparam("keys", expanding=True)),
    cache_entries.c.purge_at > bindparam("now"),
)


class SQLCache(Cache):
    """Cache rows in ``cache_entries``; counters in ``cache_counters``.

    Decoding a large JSON value costs more than the database round trip, so each process
    keeps the last decoded values (up to ``memo_size``) and reuses one while the row's
    ``created_at`` shows it has not been rewritten. Returned values may therefore be shared
    between callers: treat them as read-only. At most ``max_entries`` rows are kept: every
    ``TRIM_EVERY`` writes the oldest beyond that are deleted.

    With ``tally_every`` > 0, a lookup's hit or miss is added up in the process and written
    at most that often (and before this process reads ``stats``), so that lookups stay
    read-only: a write per lookup costs more than the lookup, and every worker would queue
    for the same counter row. Other processes then see them up to ``tally_every`` late.
    """

    def __init__(
        self,
        engine: Engine,
        ttl: int = 3600,
        stale_ttl: int = 86400,
        clock: Callable[[], float] = time.time,
        memo_size: int = 64,
        max_entries: int = 10_000,
        tally_every: float = 0.0,
    ):
        self.engine = engine
        self.tally_every = tally_every
        self._tally: dict[str, int] = {}
        self._tallied = time.monotonic()
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.max_entries = max_entries
        self._clock = clock
        self._decoded: DecodedValues[float] = DecodedValues(memo_size)
        self._lock = threading.Lock()  # the tally and the write count
        self._writes = 0
        self._ready = False
        self._file = sqlite_file(engine)
        self._file_id: tuple[int, int] | None = None
        with contextlib.suppress(CacheUnavailable):  # else made on the first call that works
            self._run(lambda: None)

    # -- keeping the store usable ------------------------------------------------------------

    def _run(self, operation: Callable[[], Any]) -> Any:
        """Run ``operation`` on a ready store; any database failure becomes CacheUnavailable
        and the next call starts from a fresh pool (and makes the tables again if needed)."""
        try:
            self._check_file()
            if not self._ready:
                create_tables(self.engine, [cache_entries, cache_counters])
                self._file_id = _file_id(self._file)
                self._ready = True
            return operation()
        except SQLAlchemyError as exc:
            self._ready = False
            self.engine.dispose()
            raise CacheUnavailable(f"the cache store failed ({type(exc).__name__})") from None

    def _check_file(self) -> None:
        """An SQLite file deleted or replaced under a running app: pooled connections would
        go on writing to the old, unlinked file. Start again on the file now at the path."""
        if self._file is None or not self._ready:
            return
        if _file_id(self._file) != self._file_id:
            self._ready = False
            self.engine.dispose()

    # -- the protocol -------------------------------------------------------------------------

    def get(self, key: str) -> CacheEntry | None:
        return self._run(lambda: self._get(storable_key(key)))  # type: ignore[no-any-return]

    def _get(self, key: str) -> CacheEntry | None:
        now = self._clock()
        with self.engine.begin() as conn:
            row = conn.execute(_FIND, {"key": key, "now": now}).first()
            fresh = row is not None and row.expires_at > now
            name = "hits" if fresh else "misses"
            self._count_lookup(conn, name)
            if row is None:
                return None
            value = self._value(key, row.created_at, lambda: conn.scalar(_VALUE, {"key": key}))
        if value is _GONE:  # deleted between the two statements
            return None
        return CacheEntry(value=value, fresh=fresh)

    def get_many(self, keys: Sequence[str]) -> dict[str, CacheEntry]:
        asked = {storable_key(key): key for key in keys}
        if not asked:
            return {}
        return self._run(lambda: self._get_many(asked))  # type: ignore[no-any-return]

    def _get_many(self, asked: dict[str, str]) -> dict[str, CacheEntry]:
        now = self._clock()
        with self.engine.begin() as conn:
            rows = conn.execute(_FIND_MANY, {"keys": list(asked), "now": now}).all()
            hits = sum(row.expires_at > now for row in rows)
            self._count_lookup(conn, "hits", hits)
            self._count_lookup(conn, "misses", len(asked) - hits)
        return {
            asked[row.key]: CacheEntry(
                value=self._value(row.key, row.created_at, row.value),
                fresh=row.expires_at > now,
            )
            for row in rows
        }

    def _value(self, key: str, version: float, text: str | Callable[[], str | None]) -> Any:
        """The value of a row written at ``version``: the one decoded before if the row is
        unchanged since, else its JSON (``text``, or read by it) decoded and kept; _GONE when
        the row has none any more."""
        known = self._decoded.get(key)
        if known is not None and known[0] == version:
            return known[1]
        found = text() if callable(text) else text
        if found is None:
            return _GONE
        value = json.loads(found)
        self._decoded.put(key, version, value)
        return value

    def _count_lookup(self, conn: Any, name: str, amount: int = 1) -> None:
        if not amount:
            return
        if not self.tally_every:
            _add_to_counter(conn, name, amount)
            return
        with self._lock:
            self._tally[name] = self._tally.get(name, 0) + amount
            due = time.monotonic() - self._tallied >= self.tally_every
        if due:
            self._write_tally(conn)

    def _write_tally(self, conn: Any) -> None:
        with self._lock:
            tally, self._tally, self._tallied = self._tally, {}, time.monotonic()
        try:
            for name, amount in tally.items():
                _add_to_counter(conn, name, amount)
        except SQLAlchemyError:  # not written: kept for the next try
            with self._lock:
                for name, amount in tally.items():
                    self._tally[name] = self._tally.get(name, 0) + amount
            raise

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        now = self._clock()
        fresh_for, stale_for = lifetimes(ttl, self.ttl, self.stale_ttl)
        values = {
            "value": json.dumps(value, separators=(",", ":")),
            "created_at": now,
            "expires_at": now + fresh_for,
            "purge_at": now + fresh_for + stale_for,
        }
        with self._lock:
            self._writes += 1
            trim = self._writes % TRIM_EVERY == 0

        def write() -> None:
            with self.engine.begin() as conn:
                conn.execute(delete(cache_entries).where(cache_entries.c.purge_at <= now))
                conn.execute(_upsert(conn.dialect.name, {"key": storable_key(key), **values}))
                if trim:
                    self._trim(conn)

        self._run(write)

    def _trim(self, conn: Any) -> None:
        """Delete the oldest rows beyond ``max_entries``."""
        surplus = (conn.scalar(select(func.count()).select_from(cache_entries)) or 0) - (
            self.max_entries
        )
        if surplus > 0:
            oldest = select(cache_entries.c.key).order_by(cache_entries.c.created_at).limit(surplus)
            conn.execute(
                delete(cache_entries).where(cache_entries.c.key.in_(oldest.scalar_subquery()))
            )

    def count(self, name: str, amount: int = 1) -> None:
        def add() -> None:
            with self.engine.begin() as conn:
                _add_to_counter(conn, name, amount)

        self._run(add)

    def purge_expired(self) -> int:
        def purge() -> int:
            with self.engine.begin() as conn:
                result = conn.execute(
                    delete(cache_entries).where(cache_entries.c.purge_at <= self._clock())
                )
            return int(result.rowcount)

        return self._run(purge)  # type: ignore[no-any-return]

    def clear(self) -> None:
        self._decoded.clear()
        with self._lock:
            self._tally.clear()

        def empty() -> None:
            with self.engine.begin() as conn:
                conn.execute(delete(cache_entries))
                conn.execute(sql_update(cache_counters).values(value=0))

        self._run(empty)

    def stats(self) -> CacheStats:
        def read() -> CacheStats:
            if self._tally:
                with self.engine.begin() as conn:
                    self._write_tally(conn)
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

        return self._run(read)  # type: ignore[no-any-return]


def _file_id(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
