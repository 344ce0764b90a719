"""Start the app as a real server (a process, or Waitress in a thread) for a test or a
benchmark, and talk to it over HTTP: politely, or as slow clients that trickle their
requests."""

import concurrent.futures
import contextlib
import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Until ``base``/healthz answers 200; raises if ``process`` exits first or it takes
    longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            return
        except OSError:  # refused, or not ready (HTTPError is one)
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def serving(command: Sequence[str], port: int, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Run ``command`` (a server on ``port``) until the block ends; yields its base URL once
    /healthz answers. The server's output goes to ``log``."""
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=dict(env), stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def in_thread(app: Any, threads: int = 4) -> Iterator[int]:
    """Serve the WSGI ``app`` with Waitress on a free port, in a daemon thread of this process,
    until the block ends; yields the port."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)

    def run() -> None:
        # Closing the server from this thread while its loop waits in select() makes that
        # select fail (EBADF): the end of serving, not an error.
        with contextlib.suppress(OSError):
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.socket.getsockname()[1])  # type: ignore[union-attr]
    finally:
        # The worker threads first: one still finishing a response would otherwise wake the
        # closed loop (EBADF, printed as a traceback).
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)


# -- slow clients ----------------------------------------------------------------------------


class Trickler:
    """Connections that start a request and then send one more byte of it every ``interval``
    seconds, never finishing it (slowloris): ``headers`` of them in the headers of a GET,
    ``bodies`` in the body of a 5 MB photo upload (half with a Content-Length, half chunked).
    A connection the server closes is opened again (counted in ``reopened``)."""

    BODY = 5_000_000

    def __init__(self, port: int, headers: int, bodies: int, interval: float = 1.0) -> None:
        self.port, self.interval = port, interval
        self.kinds = ["header"] * headers + ["length", "chunked"] * (bodies // 2)
        self.kinds += ["length"] * (bodies % 2)
        self.sockets: list[socket.socket | None] = [None] * len(self.kinds)
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        head = f"Host: 127.0.0.1:{self.port}\r\n"
        if kind == "header":
            start = f"GET /healthz HTTP/1.1\r\n{head}X-Slow: "
        else:
            framing = (
                f"Content-Length: {self.BODY}" if kind == "length" else "Transfer-Encoding: chunked"
            )
            start = (
                f"POST /api/emotion HTTP/1.1\r\n{head}Content-Type: image/jpeg\r\n{framing}\r\n\r\n"
            )
            if kind == "chunked":
                start += f"{self.BODY:x}\r\n"  # one chunk, announced whole, sent a byte a time
        sock.sendall(start.encode())
        return sock

    def _tick(self) -> None:
        for i, kind in enumerate(self.kinds):
            sock = self.sockets[i]
            try:
                if sock is None:
                    self.sockets[i] = self._open(kind)
                else:
                    sock.sendall(b"a")
            except OSError:  # closed by the server (or refused): open another one
                if sock is not None:
                    sock.close()
                    self.reopened += 1
                self.sockets[i] = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._tick()
            self._stop.wait(self.interval)

    def __enter__(self) -> "Trickler":
        self._tick()  # every connection open before the block starts
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self.sockets:
            if sock is not None:
                sock.close()


@dataclass
class Probe:
    """One request and how it went: the seconds until its whole answer, or what failed."""

    path: str
    seconds: float
    status: int | None  # None: no answer (``error`` says why)
    error: str = ""


def probe(port: int, path: str, timeout: float) -> Probe:
    """GET ``path`` on a new connection; the answer read whole, within ``timeout`` seconds."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            sock.sendall(f"{head}Connection: close\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
                if time.monotonic() - start > timeout:
                    raise TimeoutError
    except OSError as exc:  # TimeoutError is one
        return Probe(path, time.monotonic() - start, None, type(exc).__name__)
    seconds = time.monotonic() - start
    if not answer.startswith(b"HTTP/1."):
        return Probe(path, seconds, None, "no status line")
    return Probe(path, seconds, int(answer.split(b" ", 2)[1]))


@dataclass
class Probing:
    """The probes sent every ``every`` seconds for ``seconds`` (each on its own connection, so
    that one left waiting delays none of the next)."""

    results: list[Probe] = field(default_factory=list)

    def run(
        self, port: int, paths: Sequence[str], every: float, seconds: float, timeout: float
    ) -> "Probing":
        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            futures = []
            start = time.monotonic()
            n = 0
            while time.monotonic() - start < seconds:
                futures.append(pool.submit(probe, port, paths[n % len(paths)], timeout))
                n += 1
                time.sleep(max(0.0, start + n * every - time.monotonic()))
            self.results = [future.result() for future in futures]
        return self

    def within(self, seconds: float) -> list[Probe]:
        """The probes answered (any status) within ``seconds``."""
        return [p for p in self.results if p.status is not None and p.seconds <= seconds]

    def summary(self, seconds: float = 1.0) -> str:
        answered = [p for p in self.results if p.status is not None]
        worst = max((p.seconds for p in answered), default=float("nan"))
        statuses = sorted({p.status for p in answered if p.status is not None})
        return (
            f"{len(self.results)} probes: {len(answered)} answered (statuses {statuses}), "
            f"{len(self.within(seconds))} within {seconds:g} s, "
            f"{len(self.results) - len(answered)} unanswered; worst answered {worst * 1000:.0f} ms"
        )
