"""The app as it is deployed: the console script serving HTTP, and PostgreSQL as database."""

import os
import sys
from pathlib import Path

import pytest

from emotionpix import create_app
from emotionpix.db import database
from tests.integration.server import free_port, get_json, serving

pytestmark = pytest.mark.integration


def test_emotionpix_serve_answers_over_http(tmp_path):
    port = free_port()
    script = Path(sys.executable).with_name("emotionpix")
    env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path)}
    log = tmp_path / "serve.log"
    with serving([str(script), "serve", "--port", str(port)], port, env, log) as base:
        assert get_json(f"{base}/healthz")["status"] == "ok"
        body = get_json(f"{base}/api/recommendations?emotion=surprise")
        assert body["genre"] == "Adventure"
        assert len(body["movies"]) == 20
        assert base in log.read_text()


def test_the_same_code_runs_on_postgresql(postgres_url, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": postgres_url})
    client = app.test_client()
    try:
        assert client.get("/api/recommendations?emotion=sad").get_json()["source"] == "provider"
        assert client.get("/api/recommendations?emotion=sad").get_json()["source"] == "cache"
        assert client.get("/api/cache/stats").get_json()["provider_calls"] == 1
        assert client.get("/healthz").get_json()["checks"]["database"] == "ok"
    finally:
        database(app).dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_workers_starting_together_on_a_new_database(backend, tmp_path, request):
    """Several Gunicorn workers create the schema at the same moment on first start."""
    import threading

    from emotionpix.cache.sql import SQLCache
    from emotionpix.db import create_tables, make_engine

    url = (
        f"sqlite:///{tmp_path / 'new.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engines = [make_engine(url) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def start(engine):
        try:
            barrier.wait()
            create_tables(engine)
            SQLCache(engine).set("k", 1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
