"""``emotionpix db``: migrate the app database from the command line. The command line hands
these commands the configured database URL through ``ctx.obj`` (``HasDatabase``), read
without starting the app (which would migrate it)."""

from __future__ import annotations

from typing import Protocol

import click
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

import emotionpix.migrations as migrations
from emotionpix.db import make_engine, unavailable


class HasDatabase(Protocol):
    """What these commands need from the command line's context object (``ctx.obj``)."""

    def database_url(self) -> str: ...


@click.group("db")
def db_group() -> None:
    """Migrate the app database (its tables: the cache's, and those added later)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(parts: HasDatabase, revision: str) -> None:
    """Bring the database to REVISION (default: the newest)."""
    engine = make_engine(parts.database_url())
    try:
        migrations.upgrade(engine, revision)
        click.echo(f"database at {migrations.current(engine)}")
    except SQLAlchemyError as exc:
        raise click.ClickException(str(unavailable(engine, exc))) from None
    except CommandError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


@db_group.command("current")
@click.pass_obj
def db_current(parts: HasDatabase) -> None:
    """Print the database's revision and the newest one this version has."""
    engine = make_engine(parts.database_url())
    try:
        found = migrations.current(engine)
    except SQLAlchemyError as exc:
        raise click.ClickException(str(unavailable(engine, exc))) from None
    finally:
        engine.dispose()
    newest = migrations.head()
    state = "up to date" if found == newest else "run `emotionpix db upgrade`"
    click.echo(f"database at {found or 'nothing'}, newest {newest} ({state})")


@db_group.command("revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """Write a migration for the tables and columns the code declares beyond the newest
    revision (for developers: edit and test it before committing)."""
    click.echo(f"wrote {migrations.revision(message)}")
