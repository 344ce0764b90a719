"""Migrations: the tables the code declares and those the migrations make agree, on SQLite
and PostgreSQL; upgrading is safe to repeat, to run from several workers at once, and adopts
databases made before migrations existed; a new table yields a new migration."""

import multiprocessing
import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Column, Integer, Table, inspect

from emotionpix import migrations
from emotionpix.cache.sql import SQLCache, cache_counters, cache_entries
from emotionpix.cli import main as cli
from emotionpix.db import DatabaseUnavailable, create_tables, make_engine, metadata


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def engine(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'app.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_the_models_and_the_migrations_agree(engine):
    migrations.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": migrations.VERSION_TABLE}
        )
        assert compare_metadata(context, metadata) == []


def test_upgrade_reaches_head_and_can_be_repeated_and_undone(engine):
    assert migrations.current(engine) is None
    migrations.upgrade(engine)
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()
    migrations.downgrade(engine, "base")
    assert {"cache_entries", "cache_counters"} & set(inspect(engine).get_table_names()) == set()
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()


def test_a_database_made_before_migrations_is_adopted_with_its_data(engine):
    # How the tables were made before migrations existed (the cache's were all there was).
    create_tables(engine, [cache_entries, cache_counters])
    SQLCache(engine).set("kept", [1, 2])
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()
    assert SQLCache(engine).get("kept").value == [1, 2]


def _upgrade_when_released(barrier, url, results):
    engine = make_engine(url)
    try:
        barrier.wait()
        migrations.upgrade(engine)
        results.put(None)
    except BaseException as exc:
        results.put(repr(exc))
    finally:
        engine.dispose()


def test_workers_upgrading_at_once_agree(engine):
    """Four processes (as Gunicorn workers) migrate a new database at the same moment."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(4), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    workers = [
        context.Process(target=_upgrade_when_released, args=(barrier, url, results))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [results.get(timeout=5) for _ in workers] == [None] * 4
    assert migrations.current(engine) == migrations.head()


def test_a_new_table_gets_a_migration_of_its_own(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.HERE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    table = Table("watchlist_example", metadata, Column("id", Integer, primary_key=True))
    try:
        written = migrations.revision("a watchlist", directory=folder)
    finally:
        metadata.remove(table)
    text = written.read_text()
    assert written.parent == folder / "versions"
    assert "op.create_table(" in text
    assert "watchlist_example" in text
    assert f"down_revision = {migrations.head()!r}" in text


def test_the_command_line_migrates_and_says_where_the_database_is(tmp_path):
    runner = CliRunner()
    env = {"EMOTIONPIX_INSTANCE_PATH": str(tmp_path)}
    head = migrations.head()
    before = runner.invoke(cli, ["db", "current"], env=env)
    assert f"database at nothing, newest {head} (run `emotionpix db upgrade`)" in before.output
    assert runner.invoke(cli, ["db", "upgrade"], env=env).output == f"database at {head}\n"
    after = runner.invoke(cli, ["db", "current"], env=env)
    assert after.output == f"database at {head}, newest {head} (up to date)\n"


def test_a_server_told_not_to_migrate_refuses_an_outdated_schema(make_app):
    with pytest.raises(DatabaseUnavailable, match="run `emotionpix db upgrade` first"):
        make_app(DATABASE_AUTO_UPGRADE=False)


def test_a_database_newer_than_the_code_stops_the_start_with_a_message(make_app, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'instance' / 'emotionpix.sqlite3'}")
    (tmp_path / "instance").mkdir()
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {migrations.VERSION_TABLE} SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(DatabaseUnavailable, match="cannot migrate the database"):
        make_app()
