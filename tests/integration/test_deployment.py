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
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": postgres_url, "SECRET_KEY": "s" * 48}
    )
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


@pytest.mark.slow
def test_serve_runs_gunicorn_workers_that_stop_gracefully(tmp_path):
    """Two worker processes, each with its own models; an access log line per request; on
    SIGTERM a request under way is finished before the workers go."""
    import signal
    import socket
    import subprocess
    import time

    from tests.images import webcam_frame

    port = free_port()
    script = Path(sys.executable).with_name("emotionpix")
    cores = os.cpu_count() or 1
    env = {
        **os.environ,
        "EMOTIONPIX_INSTANCE_PATH": str(tmp_path),
        "EMOTIONPIX_ONNX_THREADS": str(cores),  # x 2 workers: more threads than cores
    }
    log = tmp_path / "serve.log"
    command = [str(script), "serve", "--workers", "2", "--port", str(port)]
    with serving(command, port, env, log) as base:
        body = get_json(f"{base}/api/recommendations?emotion=happy")
        assert body["genre"] == "Comedy"
        master = int(
            subprocess.run(
                ["pgrep", "-f", "-o", f"emotionpix serve --workers 2 --port {port}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[0]
        )
        workers = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert len(workers) == 2
        # An upload under way (half its body sent) when the server is told to stop.
        photo = webcam_frame()
        upload = socket.create_connection(("127.0.0.1", port), timeout=10)
        upload.sendall(
            f"POST /api/emotion HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {len(photo)}\r\nConnection: close\r\n\r\n".encode()
            + photo[: len(photo) // 2]
        )
        time.sleep(0.5)
        os.kill(master, signal.SIGTERM)
        time.sleep(0.5)
        upload.sendall(photo[len(photo) // 2 :])
        answer = b""
        while chunk := upload.recv(65536):
            answer += chunk
        upload.close()
        assert answer.startswith(b"HTTP/1.1 200 ")
    text = log.read_text()
    assert "gunicorn" in text
    assert "with gunicorn, 2 worker(s)" in text
    assert f"ONNX Runtime: {max(1, cores // 2)} thread(s) per model, so 2 workers fit" in text
    assert '"GET /api/recommendations?emotion=happy HTTP/1.1" 200' in text  # access log
    assert "Shutting down" in text or "Handling signal: term" in text
