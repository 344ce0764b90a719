"""Start the app as a real server (a process, or Waitress in a thread) for a test or a
benchmark, and talk to it over HTTP."""

import contextlib
import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
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
