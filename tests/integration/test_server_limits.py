"""The servers as deployed (``emotionpix serve``: Waitress, and Gunicorn with threads) under
hostile clients: photos never reach the disk, decompression bombs in parallel cannot blow the
memory up, clients that trickle their uploads cannot starve everyone else, a body over the
limit is refused whole, and the access log keeps no tokens."""

import contextlib
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.images import encode, one_bit_bomb
from tests.integration.server import free_port, get_json, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def server(tmp_path):
    """``emotionpix serve --server waitress`` (one process): (base URL, process id)."""
    port = free_port()
    env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "emotionpix", "serve", "--server", "waitress"]
    command += ["--port", str(port)]
    with serving(command, port, env, tmp_path / "serve.log") as base:
        yield base, _pid_listening_on(port)


def _pid_listening_on(port: int) -> int:
    """The process whose socket listens on ``port`` (found through /proc)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    assert inode, f"nothing listens on {port}"
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == f"socket:[{inode}]":
                return int(fd.parts[2])
        except OSError:
            continue
    raise AssertionError("no process owns the listening socket")


def _files_open(pid: int) -> set[str]:
    """Regular files the process holds open now (sockets, pipes and devices left out)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("/") and not target.startswith("/dev/"):
            found.add(target)
    return found


class Upload:
    """An upload sent up to its last chunk (``finish`` sends the rest and reads the answer)."""

    def __init__(self, sock: socket.socket, rest: bytes):
        self.sock, self.rest = sock, rest

    def finish(self) -> bytes:
        self.sock.sendall(self.rest)
        answer = b""
        while chunk := self.sock.recv(65536):
            answer += chunk
        self.sock.close()
        return answer


def _trickle(base: str, body: bytes, content_type: str, pause: float, chunks: int) -> Upload:
    """Send an upload's headers and all but the last chunk of its body, slowly."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        f"POST /api/emotion HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    )
    step = len(body) // chunks
    for i in range(chunks - 1):
        sock.sendall(body[i * step : (i + 1) * step])
        time.sleep(pause)
    return Upload(sock, body[(chunks - 1) * step :])


def _big_photo() -> bytes:
    """About 5 MB of JPEG (noise compresses badly)."""
    noise = np.random.default_rng(0).integers(0, 256, (2000, 2000, 3), dtype=np.uint8)
    return encode(Image.fromarray(noise), "JPEG", quality=95)


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "emotionpixtestboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="me.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("kind", ["raw", "multipart"])
def test_an_upload_never_reaches_the_disk(server, kind):
    base, pid = server
    photo = _big_photo()
    assert len(photo) > 4_000_000
    body, content_type = (photo, "image/jpeg") if kind == "raw" else _multipart(photo)
    before = _files_open(pid)
    upload = _trickle(base, body, content_type, pause=0.05, chunks=20)
    during = _files_open(pid)
    answer = upload.finish()
    after = _files_open(pid)
    assert b" 422 " in answer.split(b"\r\n")[0]  # read whole (noise has no face), answered
    assert during - before == set()  # no temporary file appeared while receiving
    assert after - before == set()


def _rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def test_bombs_in_parallel_keep_the_memory_bounded(server):
    """16 uploads of a 40-megapixel 1-bit PNG (12 kB each), 8 at a time."""
    base, pid = server
    bomb = one_bit_bomb()
    # The engine loads its models on first use: load them first, so that what is measured is
    # what the bombs leave behind, not the models.
    assert b" 422 " in _trickle(base, bomb, "image/png", pause=0, chunks=1).finish()
    baseline = _rss_mb(pid, "VmRSS")
    statuses: list[bytes] = []

    def upload() -> None:
        for _ in range(2):
            answer = _trickle(base, bomb, "image/png", pause=0, chunks=1).finish()
            statuses.append(answer.split(b"\r\n")[0])

    threads = [threading.Thread(target=upload) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak, after = _rss_mb(pid, "VmHWM"), _rss_mb(pid, "VmRSS")
    assert len(statuses) == 16
    assert all(b" 422 " in status for status in statuses)  # decoded, no face: a real answer
    assert peak < 500, f"peak {peak:.0f} MB (baseline {baseline:.0f} MB)"
    assert after < baseline + 100, f"{after:.0f} MB after, {baseline:.0f} MB before"


def test_slow_uploads_do_not_starve_other_requests(server):
    base, _ = server
    slow = [
        _trickle(base, _big_photo()[:300_000], "image/jpeg", pause=0.5, chunks=4) for _ in range(2)
    ]
    # Both uploads are still arriving; the server answers others meanwhile.
    assert get_json(f"{base}/healthz")["status"] == "ok"
    assert get_json(f"{base}/api/recommendations?emotion=happy")["genre"] == "Comedy"
    for upload in slow:
        upload.finish()


def test_gunicorn_with_threads_is_not_starved_by_slow_uploads(tmp_path):
    """``emotionpix serve --workers 2`` (Gunicorn, gthread) against the same slow clients."""
    port = free_port()
    env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "emotionpix", "serve", "--workers", "2", "--port", str(port)]
    with serving(command, port, env, tmp_path / "gunicorn.log") as base:
        slow = [
            _trickle(base, _big_photo()[:300_000], "image/jpeg", pause=0.5, chunks=4)
            for _ in range(4)
        ]
        assert get_json(f"{base}/healthz")["status"] == "ok"
        for upload in slow:
            upload.finish()


# -- both servers: bodies over the limit, tokens in the access log ---------------------------


@pytest.fixture(scope="module", params=["default", "gunicorn"])
def served(request, tmp_path_factory):
    """``emotionpix serve`` (Waitress, the default) and ``--server gunicorn``: (base URL,
    its output: the access log)."""
    folder = tmp_path_factory.mktemp(request.param)
    port = free_port()
    env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": str(folder / "instance")}
    command = [sys.executable, "-m", "emotionpix", "serve", "--port", str(port)]
    if request.param != "default":
        command += ["--server", request.param]
    with serving(command, port, env, folder / "serve.log") as base:
        yield base, folder / "serve.log"


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response read off ``sock``: status, headers (lower-case names), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("framing", ["chunked", "length"])
def test_a_body_over_the_limit_gets_the_apis_413_never_a_truncated_200(served, framing):
    """30 MB (the limit is 10): Gunicorn passed the first 10 MB of a chunked body on and
    answered 200, Waitress answered in plain text."""
    base, _ = served
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=20)
    piece = b"\0" * (1024 * 1024)
    framed = (
        "Transfer-Encoding: chunked"
        if framing == "chunked"
        else f"Content-Length: {30 * len(piece)}"
    )
    sock.sendall(
        f"POST /api/emotion HTTP/1.1\r\nHost: {host}\r\nContent-Type: image/jpeg\r\n"
        f"{framed}\r\n\r\n".encode()
    )

    if framing == "chunked":
        piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"

    def send() -> None:  # while the answer is read: the server may stop reading at the limit
        with contextlib.suppress(OSError):
            for _ in range(30):
                sock.sendall(piece)
            sock.sendall(b"0\r\n\r\n" if framing == "chunked" else b"")

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    status, headers, body = _answer(sock)
    sock.close()
    sender.join(timeout=20)
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "error": "image_too_large",
        "message": "The upload is too large: at most 10 MB, please.",
    }


def test_the_access_log_holds_no_tokens(served):
    """The links mailed to confirm an address or reset a password carry a token; so does the
    referrer of the page they open."""
    base, log = served
    for path in ["/confirm?token=SECRET-CONFIRM", "/password/reset?x=1&token=SECRET-RESET"]:
        request = urllib.request.Request(
            base + path, headers={"Referer": f"{base}/password/reset?token=SECRET-REFERRER"}
        )
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except urllib.error.HTTPError as refused:
            refused.close()  # whatever the page answers, the line is written
    deadline = time.monotonic() + 5
    while "/password/reset?x=1" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)  # written by the worker once the answer is out
    text = log.read_text()
    assert '"GET /confirm?token=[redacted] HTTP/1.1" ' in text
    assert '"GET /password/reset?x=1&token=[redacted] HTTP/1.1" ' in text
    assert f'"{base}/password/reset?token=[redacted]"' in text
    assert "SECRET" not in text
