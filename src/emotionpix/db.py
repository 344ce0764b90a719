"""The app's relational database, through SQLAlchemy 2.

SQLite (a file in the instance folder) by default; any SQLAlchemy URL, PostgreSQL included,
by configuration. Tables are declared on ``metadata`` by the modules that own them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.exc import DatabaseError

metadata = MetaData()

KEY = "emotionpix.db"

# Any fixed number: the PostgreSQL advisory lock that serialises schema creation.
_SCHEMA_LOCK = 0x45504958  # "EPIX"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode so readers never wait for writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_tables(engine: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create missing tables. Safe when several workers start at once on a new database:
    PostgreSQL serialises them with an advisory lock; elsewhere a worker that loses the race
    retries and then finds the tables there."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
                metadata.create_all(conn, tables=tables)
            return
        except DatabaseError:
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


def init_app(app: Flask) -> None:
    """Create the engine once, make sure the tables exist, and keep it in app.extensions."""
    engine = make_engine(app.config["DATABASE_URL"])
    create_tables(engine)
    app.extensions[KEY] = engine


def database(app: Flask | None = None) -> Engine:
    """The app's database engine (the current app's by default)."""
    engine: Engine = (app or current_app).extensions[KEY]
    return engine
