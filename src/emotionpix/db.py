"""The app's relational database, through SQLAlchemy 2.

SQLite (a file in the instance folder) by default; any SQLAlchemy URL, PostgreSQL included,
by configuration. Tables are declared on ``metadata`` by the modules that own them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.exc import DatabaseError

metadata = MetaData()

KEY = "emotionpix.db"

# Any fixed number: the PostgreSQL advisory lock that serialises schema creation.
SCHEMA_LOCK = 0x45504958  # "EPIX"


# How long anything may wait on the database: a lock (SQLite), a connection, a statement.
BUSY_TIMEOUT = 3.0
CONNECT_TIMEOUT = 2  # PostgreSQL's minimum that means something (libpq rounds up to 2 s)
STATEMENT_TIMEOUT_MS = 5000


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite files get WAL mode so readers never wait for writers;
    every wait is bounded (busy, connect, statement and pool timeouts), and connections are
    checked before use and renewed, so the app heals by itself after a database outage."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout=2000",
        }
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_recycle=300,
        pool_timeout=CONNECT_TIMEOUT,
        connect_args=connect_args,
    )


def create_tables(engine: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create missing tables. Safe when several workers start at once on a new database:
    PostgreSQL serialises them with an advisory lock; elsewhere a worker that loses the race
    retries and then finds the tables there."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                metadata.create_all(conn, tables=tables)
            return
        except DatabaseError:
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used when the app starts."""


def init_app(app: Flask) -> None:
    """Create the engine once and keep it in app.extensions (``migrations.init_app`` then
    brings its tables up to date)."""
    app.extensions[KEY] = make_engine(app.config["DATABASE_URL"])


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    """The start-up error for a database that cannot be used: it names the database
    (password hidden), not a traceback."""
    where = engine.url.render_as_string(hide_password=True)
    return DatabaseUnavailable(
        f"cannot use the database {where} ({type(exc).__name__}); check "
        "EMOTIONPIX_DATABASE_URL and that the server is running"
    )


def ping(engine: Engine, deadline: float = 0.8) -> str | None:
    """None when the database answers a trivial query within ``deadline`` seconds, else why
    not (a hung server answers nothing, so the query runs on its own thread)."""
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            outcome.append(None)
        except Exception as exc:  # any failure means "not ready"
            engine.dispose()  # the next connections start afresh
            outcome.append(f"error: {type(exc).__name__}")

    worker = threading.Thread(target=probe, daemon=True, name="db-ping")
    worker.start()
    worker.join(deadline)
    return outcome[0] if outcome else f"no answer within {deadline:g} s"


def sqlite_file(engine: Engine) -> str | None:
    """The path of the engine's SQLite file; None for other databases and in-memory ones."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return name


def sqlite_file_present(engine: Engine) -> bool:
    """False when the engine's SQLite file has been deleted (other databases: True)."""
    path = sqlite_file(engine)
    return path is None or os.path.exists(path)


def database(app: Flask | None = None) -> Engine:
    """The app's database engine (the current app's by default)."""
    engine: Engine = (app or current_app).extensions[KEY]
    return engine
