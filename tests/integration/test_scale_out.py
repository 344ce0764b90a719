"""Scale-out as configuration: two app servers (``emotionpix serve``) on one
PostgreSQL and one Redis, behind Debian's nginx running ``deploy/nginx.conf`` as shipped."""

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emotionpix import migrations
from emotionpix.cache.redis import connect
from tests.accounts import PASSWORD
from tests.images import webcam_frame
from tests.integration.server import free_port, get_json, serving, wait_until_up

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
        wait_until_up(url, process, seconds=10)
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
    keys = list(client.scan_iter(match=f"*{prefix}*"))  # the limits' keys have a prefix too
    if keys:
        client.delete(*keys)
    client.close()


class Browser:
    """A visitor with a cookie jar, as a browser keeps one (urllib, no JavaScript)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def call(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Any:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            return self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as exc:
            return exc

    def token(self) -> str:
        page = self.call("/signin").read().decode()
        found = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert found
        return found.group(1)

    def form(self, path: str, **fields: str) -> Any:
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token()}).encode()
        return self.call(path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def json(self, path: str, body: dict | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers |= {"Content-Type": "application/json", "X-CSRFToken": self.token()}
        answer = self.call(path, data, headers)
        return answer.status, json.loads(answer.read() or b"null")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_two_servers_behind_nginx_share_postgresql_and_redis(postgres_url, redis_prefix, tmp_path):
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        **server_environment(
            DATABASE_URL=postgres_url,
            CACHE_URL=REDIS_URL,
            CACHE_KEY_PREFIX=redis_prefix,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=f"{redis_prefix}limits",
            SECRET_KEY="one-secret-for-every-server-" + uuid.uuid4().hex,
        ),
        "EMOTIONPIX_RATE_LIMIT_AUTH": "5 per minute",
    }
    # The schema is made once, as a deploy does, before any server starts; an operator
    # makes an account.
    script = str(Path(sys.executable).with_name("emotionpix"))
    migrated = subprocess.run(
        [script, "db", "upgrade"], env=env, capture_output=True, text=True, check=True
    )
    assert f"database at {migrations.head()}" in migrated.stdout
    subprocess.run(
        [script, "users", "create", "ann@example.com", "--verified"],
        input=f"{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
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

        # A signed-in viewer: the session, the watchlist and the seen films hold whichever
        # server answers; the sign-in limit is counted for both servers together.
        viewer = Browser(base)
        assert viewer.form("/signin", email="ann@example.com", password=PASSWORD).status == 302
        film = first["movies"][0]["id"]
        assert viewer.json("/api/watchlist", {"id": film})[0] == 201
        assert viewer.json("/api/seen", {"id": first["movies"][1]["id"]})[0] == 201
        for _ in range(4):
            status, me = viewer.json("/api/me")
            assert (status, me["signed_in"], me["watchlist"]) == (200, True, [film])
            _, sad = viewer.json("/api/recommendations?emotion=sad&seed=7")
            assert first["movies"][1]["id"] not in [m["id"] for m in sad["movies"]]
        guesser = Browser(base)
        tries = [
            guesser.form("/signin", email="ann@example.com", password="a wrong guess").status
            for _ in range(6)
        ]
        # Five a minute from this address, whichever server counts: the viewer's sign-in
        # was the first (counted per process, alternating servers would never refuse).
        assert tries == [401, 401, 401, 401, 429, 429]
        limits = connect(REDIS_URL, timeout=2.0)
        assert any(limits.scan_iter(match=f"*{redis_prefix}limits*"))  # counted in Redis
        limits.close()

        # One server stops (SIGTERM): the other answers everything, from the shared cache.
        servers[0].close()
        for _ in range(4):
            again = get_json(f"{base}/api/recommendations?emotion=sad&seed=7")
            assert (again["source"], again["movies"]) == ("cache", first["movies"])
        status, reading = post(f"{base}/api/emotion", webcam_frame(), "image/jpeg")
        assert status == 200
