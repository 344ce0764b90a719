"""Shared fixtures: an app with its own temporary instance folder (database, cache) per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from emotionpix import create_app
from emotionpix.cli import main as cli_main
from tests.standins import imdb236, tmdb
from tests.standins.server import StandIn
from tests.standins.supabase import SupabaseStandIn
from tests.standins.supabase import serve as serve_supabase


class FakeClock:
    """A clock the tests move by hand (cache TTL tests)."""

    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


POSTGRES_ADMIN_URL = os.environ.get(
    "EMOTIONPIX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database on the shared server, dropped afterwards."""
    name = f"emotionpix_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Any]:
    """Build apps with a per-test instance folder; extra config as keyword arguments."""

    def factory(**config: Any) -> Flask:
        return create_app(
            {
                "ENV": "testing",
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path / "instance"),
                # argon2's full cost is not what the tests test (one test checks the default)
                "PASSWORD_HASHING": "cheapest",
                # Tests send many requests from one address; the rate-limit tests turn it on.
                "RATELIMIT_ENABLED": False,
                **config,
            }
        )

    return factory


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def run_cli(app: Flask) -> Any:
    """Run the ``emotionpix`` command line against the test app."""
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli_main, list(args), obj=app, catch_exceptions=False)

    return invoke


def _fresh(server: StandIn) -> Iterator[StandIn]:
    """The session's stand-in, up and without faults or logged requests."""
    if not server.running:
        server.start()
    server.reset()
    yield server
    if not server.running:
        server.start()
    server.reset()


@pytest.fixture(scope="session")
def tmdb_server() -> Iterator[StandIn]:
    server = tmdb.serve()
    yield server
    server.stop()


@pytest.fixture
def tmdb_api(tmdb_server: StandIn) -> Iterator[StandIn]:
    """The TMDB stand-in (real HTTP on 127.0.0.1), reset for this test."""
    yield from _fresh(tmdb_server)


@pytest.fixture(scope="session")
def imdb236_server() -> Iterator[StandIn]:
    server = imdb236.serve()
    yield server
    server.stop()


@pytest.fixture
def imdb236_api(imdb236_server: StandIn) -> Iterator[StandIn]:
    """The IMDb236 stand-in (real HTTP on 127.0.0.1), reset for this test."""
    yield from _fresh(imdb236_server)


@pytest.fixture
def tmdb_config(tmdb_api: StandIn) -> dict[str, Any]:
    """App configuration using TMDB (the stand-in), quick to give up in tests."""
    return {**tmdb.app_settings(tmdb_api.url), "PROVIDER_RETRIES": 1, "PROVIDER_TIMEOUT": 1.0}


@pytest.fixture(scope="session")
def supabase_server() -> Iterator[SupabaseStandIn]:
    server = serve_supabase()
    yield server
    server.stop()


@pytest.fixture
def supabase_api(supabase_server: SupabaseStandIn) -> Iterator[SupabaseStandIn]:
    """The Supabase Auth stand-in (real HTTP on 127.0.0.1), empty and reset for this test."""
    yield from _fresh(supabase_server)
