"""The app's relational database, through SQLAlchemy 2.

SQLite (a file in the instance folder) by default; any SQLAlchemy URL, PostgreSQL included,
by configuration. Tables are declared on ``metadata`` by the modules that own them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Engine, MetaData, create_engine, event

metadata = MetaData()


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


def init_app(app: Flask) -> None:
    """Create the engine once, make sure the tables exist, and keep it in app.extensions."""
    engine = make_engine(app.config["DATABASE_URL"])
    metadata.create_all(engine)
    app.extensions["emotionpix.db"] = engine
