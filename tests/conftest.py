"""Shared fixtures: an app with its own temporary instance folder (database, cache) per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from emotionpix import create_app
from emotionpix.cli import main as cli_main


class FakeClock:
    """A clock the tests move by hand (cache TTL tests)."""

    def __init__(self, start: float = 1_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
