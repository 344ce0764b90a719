"""The app as it is deployed: the console script serving HTTP, and PostgreSQL as database."""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from emotionpix import create_app
from emotionpix.wiring import database
from tests.integration.server import free_port, get_json, in_thread, serving, wait_until_up
from tests.integration.test_scale_out import nginx_config

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


# -- deploy/nginx.conf in front of the app -------------------------------------------------


@pytest.fixture
def proxied(make_app):
    """Debian's nginx running deploy/nginx.conf (this run's ports and folder put in) in front
    of the app (Waitress in a thread, as both upstreams): (nginx's URL, its folder)."""
    folder = Path(tempfile.mkdtemp(prefix="emotionpix-nginx-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # as an unprivileged user, as test_scale_out runs it
        shutil.chown(folder, "www-data", "www-data")
        as_user = ["runuser", "-u", "www-data", "--"]
    listen = free_port()
    with in_thread(make_app()) as app_port:
        conf = folder / "nginx.conf"
        conf.write_text(nginx_config(listen, [app_port, app_port], folder))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        command = [*as_user, binary, "-c", str(conf), "-p", str(folder), "-e", "stderr"]
        process = subprocess.Popen([*command, "-g", "daemon off;"])
        try:
            wait_until_up(f"http://127.0.0.1:{listen}", process, seconds=10)
            yield f"http://127.0.0.1:{listen}", folder
        finally:
            process.terminate()
            process.wait(timeout=10)
            shutil.rmtree(folder, ignore_errors=True)


def _raw(base: str, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as it is and read until the server closes the connection."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_nginx_answers_its_own_host_names_only(proxied):
    base, _ = proxied

    def health(host: str) -> bytes:
        return _raw(
            base, f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )

    assert health("emotionpix.example.org").startswith(b"HTTP/1.1 200 ")
    assert health(base.removeprefix("http://")).startswith(b"HTTP/1.1 200 ")
    assert health("attacker.example") == b""  # 444: closed unanswered
    assert _raw(base, b"GET /healthz HTTP/1.0\r\n\r\n") == b""  # no Host at all


def test_nginx_refuses_a_body_over_its_limit_as_the_app_does(proxied):
    base, _ = proxied
    body = b"\0" * (12 * 1024 * 1024)
    for path, chunked in [("/api/emotion", False), ("/api/emotion", True), ("/signin", False)]:
        headers = {"Content-Type": "image/jpeg"}
        data: bytes | list[bytes] = body
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
            data = [body[i : i + 1024 * 1024] for i in range(0, len(body), 1024 * 1024)]
        request = urllib.request.Request(base + path, data=data, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        with refused.value as answer:
            assert answer.code == 413
            if path.startswith("/api/"):
                assert answer.headers["Content-Type"] == "application/json"
                assert json.loads(answer.read())["error"] == "image_too_large"


def test_nginx_logs_no_query_strings(proxied):
    """The links mailed to confirm an address or reset a password carry a token there."""
    base, folder = proxied
    request = urllib.request.Request(
        f"{base}/confirm?token=SECRET-CONFIRM", headers={"Referer": f"{base}/x?token=SECRET-PAGE"}
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as refused:
        refused.close()  # whatever the page answers, the line is written
    deadline = time.monotonic() + 5
    while "/confirm" not in (log := (folder / "access.log").read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert '"GET /confirm HTTP/1.1" ' in log
    assert f'"{base}/x"' in log
    assert "SECRET" not in log


@pytest.mark.slow
def test_nginx_closes_a_connection_that_trickles_its_headers(proxied):
    """client_header_timeout: the headers whole within 10 s, or the connection is closed."""
    base, _ = proxied
    host, port = base.removeprefix("http://").split(":")
    start = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
        with contextlib.suppress(OSError):  # BrokenPipe / reset once nginx has closed it
            while time.monotonic() - start < 20:
                sock.sendall(b"a")
                sock.settimeout(1)
                try:
                    if sock.recv(65536) == b"":
                        break
                except TimeoutError:
                    continue
    assert 9 < time.monotonic() - start < 13
