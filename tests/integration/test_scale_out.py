"""Scale-out as configuration: two app servers (``emotionpix serve`` on Gunicorn) on one
PostgreSQL and one Redis, behind Debian's nginx running ``deploy/nginx.conf`` as shipped."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from emotionpix.cache.redis import connect
from tests.images import webcam_frame
from tests.integration.server import free_port, get_json, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SERVER_ENV = ROOT / "deploy" / "emotionpix.env"
REDIS_URL = os.environ.get("EMOTIONPIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def nginx_config(listen: int, upstreams: list[int], folder: Path) -> str:
    """deploy/nginx.conf with this run's ports and folder; nothing else changes."""
    text = NGINX_CONF.read_text()
    replacements = {
        "127.0.0.1:8080": f"127.0.0.1:{listen}",
        "127.0.0.1:8001": f"127.0.0.1:{upstreams[0]}",
        "127.0.0.1:8002": f"127.0.0.1:{upstreams[1]}",
        "/var/lib/emotionpix-nginx": str(folder),
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def server_environment(**yours: str) -> dict[str, str]:
    """deploy/emotionpix.env as an environment, with this run's values for ``yours``."""
    env = {}
    for line in SERVER_ENV.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    for name, value in yours.items():
        assert f"EMOTIONPIX_{name}" in env, name
        env[f"EMOTIONPIX_{name}"] = value
    return env


@contextlib.contextmanager
def nginx(listen: int, upstreams: list[int]) -> Iterator[str]:
    """Debian's nginx on ``listen`` with the shipped configuration, as an unprivileged
    process with its own pid, log and temporary folders."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="emotionpix-nginx-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "www-data", "www-data")
        as_user = ["runuser", "-u", "www-data", "--"]
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(listen, upstreams, folder))
    base = [*as_user, binary, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")]
    subprocess.run([*base, "-t"], check=True, capture_output=True)
    process = subprocess.Popen([*base, "-g", "daemon off;"])
    try:
        url = f"http://127.0.0.1:{listen}"
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
                break
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = connect(REDIS_URL, timeout=2.0)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_servers_behind_nginx_share_postgresql_and_redis(postgres_url, redis_prefix, tmp_path):
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        **server_environment(
            DATABASE_URL=postgres_url,
            CACHE_URL=REDIS_URL,
            CACHE_KEY_PREFIX=redis_prefix,
            SECRET_KEY="one-secret-for-every-server-" + uuid.uuid4().hex,
        ),
    }
    # The schema is made once, as a deploy does, before any server starts.
    script = str(Path(sys.executable).with_name("emotionpix"))
    migrated = subprocess.run(
        [script, "db", "upgrade"], env=env, capture_output=True, text=True, check=True
    )
    assert "database at 0001" in migrated.stdout
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with contextlib.ExitStack() as stack:
        servers = []  # one stack each, so that one can be stopped on its own
        for port, log in zip(ports, logs, strict=True):
            command = [script, "serve", "--workers", "1", "--threads", "4", "--port", str(port)]
            server_env = {**env, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / f"instance-{port}")}
            servers.append(stack.enter_context(contextlib.ExitStack()))
            servers[-1].enter_context(serving(command, port, server_env, log))
        base = stack.enter_context(nginx(free_port(), ports))

        first = get_json(f"{base}/api/recommendations?emotion=sad&seed=7")
        answers = [get_json(f"{base}/api/recommendations?emotion=sad&seed=7") for _ in range(4)]
        assert first["source"] == "provider"
        assert {answer["source"] for answer in answers} == {"cache"}  # whichever server
        assert all(answer["movies"] == first["movies"] for answer in answers)
        found = get_json(f"{base}/api/search?q=sholay")["movies"]
        assert found[0]["title"] == "Sholay"
        details = get_json(f"{base}/api/movies/{found[0]['id']}")
        assert details["title"] == "Sholay"
        status, reading = post(f"{base}/api/emotion", webcam_frame(), "image/jpeg")
        assert status == 200
        assert reading["faces"]
        assert reading["genre"]
        status, refused = post(
            f"{base}/api/emotion", b"\xff" * (10 * 1024 * 1024 + 1), "image/jpeg"
        )
        assert (status, refused["error"]) == (413, "image_too_large")
        stats = [get_json(f"{base}/api/cache/stats") for _ in range(2)]
        assert stats[0] == stats[1]  # the counters are Redis's, whichever server answers
        assert stats[0]["provider_calls"] == 3  # one per question: sad films, search, details
        assert stats[0]["hits"] >= 4

        # Both servers answered (their access logs), and the cache is in Redis.
        for log in logs:
            assert "GET /api/" in log.read_text()
        client = connect(REDIS_URL, timeout=2.0)
        assert any(client.scan_iter(match=f"{redis_prefix}e:*"))
        client.close()

        # One server stops (SIGTERM): the other answers everything, from the shared cache.
        servers[0].close()
        for _ in range(4):
            again = get_json(f"{base}/api/recommendations?emotion=sad&seed=7")
            assert (again["source"], again["movies"]) == ("cache", first["movies"])
        status, reading = post(f"{base}/api/emotion", webcam_frame(), "image/jpeg")
        assert status == 200
