"""Schema migrations (Alembic) for every table the app owns on ``db.metadata``.

``upgrade`` brings a database to the newest revision (at start-up, or ``emotionpix db
upgrade``); ``revision`` writes a new migration from the difference between the tables the
code declares and the newest revision. Several processes upgrading at once are safe: on
PostgreSQL an advisory lock serialises them, elsewhere the loser retries and finds the work done.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import DatabaseError, SQLAlchemyError

import emotionpix.auth.ledger  # auth_sessions
import emotionpix.auth.local  # declares local_users
import emotionpix.auth.personal  # accounts, watchlist, seen_films, mood_history
import emotionpix.cache.sql  # declares cache_entries, cache_counters
import emotionpix.rooms.store  # noqa: F401  (rooms, room_members, room_marks)
from emotionpix.db import (
    SCHEMA_LOCK,
    DatabaseUnavailable,
    make_engine,
    metadata,
    unavailable,
)
from emotionpix.wiring import database

__all__ = [
    "BASELINE",
    "VERSION_TABLE",
    "current",
    "downgrade",
    "head",
    "init_app",
    "revision",
    "target_metadata",
    "upgrade",
]

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "emotionpix_schema_version"
BASELINE = "0001"  # the tables databases made before migrations existed already have
# Alembic keeps the running migration's context in module globals: one at a time per process.
_IN_PROCESS = threading.RLock()


def target_metadata() -> MetaData:
    """Every table the app declares (the modules that declare them are imported above)."""
    return metadata


def _config(connection: Connection | None = None, directory: Path = HERE) -> Config:
    config = Config()
    config.set_main_option("script_location", str(directory))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision in the package."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None, "the package ships at least one migration"
    return found


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database to ``target``. A database whose tables were made before migrations
    existed (no version table, but ``cache_entries``) is first marked as at the baseline."""
    for attempt in range(3):
        try:
            with _IN_PROCESS, engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                config = _config(conn)
                names = set(inspect(conn).get_table_names())
                if VERSION_TABLE not in names and "cache_entries" in names:
                    command.stamp(config, BASELINE)
                command.upgrade(config, target)
            return
        except DatabaseError:  # another process made the same tables at the same moment
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


def downgrade(engine: Engine, target: str) -> None:
    """Take the database back to ``target`` (``base``: no tables)."""
    with _IN_PROCESS, engine.begin() as conn:
        command.downgrade(_config(conn), target)


def revision(message: str, directory: Path = HERE) -> Path:
    """Write a new migration into ``directory`` (the package's) from what the code declares
    beyond the newest revision, compared on a scratch SQLite database at head; returns its
    path. Read it before committing: renames, for one, come out as a drop and an add."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'head.sqlite3'}")
        try:
            with _IN_PROCESS, engine.begin() as conn:
                command.upgrade(_config(conn, directory), "head")
                written = command.revision(
                    _config(conn, directory), message=message, autogenerate=True
                )
        finally:
            engine.dispose()
    assert written is not None
    assert not isinstance(written, list)
    return Path(written.path)


def init_app(app: Flask) -> None:
    """Bring the app database up to date at start-up (``DATABASE_AUTO_UPGRADE``), or refuse
    to start on an outdated schema when deploys run ``emotionpix db upgrade`` themselves."""
    engine = database(app)
    try:
        if app.config["DATABASE_AUTO_UPGRADE"]:
            upgrade(engine)
            return
        found, wanted = current(engine), head()
    except SQLAlchemyError as exc:
        raise unavailable(engine, exc) from None
    except CommandError as exc:  # e.g. a revision newer than this code knows
        raise DatabaseUnavailable(f"cannot migrate the database: {exc}") from None
    if found != wanted:
        raise DatabaseUnavailable(
            f"the database schema is at {found or 'nothing'}, this version needs {wanted}: "
            "run `emotionpix db upgrade` first"
        )
