"""Production WSGI servers for ``emotionpix serve``: Gunicorn (several worker processes, each
with threads) wherever it runs, Waitress (one process) where it cannot, such as Windows."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

# Seconds a worker may go silent (hung) before Gunicorn replaces it (a face upload takes
# ~30 ms; a hung provider is cut at 5 s by its own timeout), and that requests under way get
# to finish on shutdown (SIGTERM) before the workers are stopped.
REQUEST_TIMEOUT = 30
GRACEFUL_TIMEOUT = 10
KEEPALIVE = 5  # seconds an idle keep-alive connection (from the proxy) is kept


@dataclass(frozen=True)
class Plan:
    """Where and how to serve."""

    host: str
    port: int
    workers: int
    threads: int
    access_log: str | None  # "-" for standard output, a path, or None for none


def gunicorn_available() -> bool:
    """Gunicorn needs a POSIX system (fork, signals)."""
    return os.name == "posix" and importlib.util.find_spec("gunicorn") is not None


def onnx_threads_for(workers: int, wanted: int, cores: int | None = None) -> int:
    """ONNX Runtime threads per model such that threads x workers stays within the cores:
    more would make the workers' inference fight over them (and slow every request)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(wanted, cores // max(workers, 1)))


def run_gunicorn(factory: Callable[[], Flask], plan: Plan) -> None:
    """Serve with Gunicorn: ``plan.workers`` processes, each building its own app (models,
    connection pools) after the fork, each with ``plan.threads`` threads (gthread)."""
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"{plan.host}:{plan.port}",
        "workers": plan.workers,
        "worker_class": "gthread",
        "threads": plan.threads,
        "timeout": REQUEST_TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": KEEPALIVE,
        "accesslog": plan.access_log,
        "errorlog": "-",
        "proc_name": "emotionpix",
        "preload_app": False,  # models and pools are made per worker, never shared by fork
        "limit_request_line": 4094,
        "forwarded_allow_ips": "127.0.0.1,::1",  # X-Forwarded-* from a proxy on this host
        # Gunicorn 24+ opens a control socket at one path per user: several servers on a
        # host would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # older Gunicorns lack some settings
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return factory()

    Application().run()


def run_waitress(app: Flask, plan: Plan, upload_limit: int) -> None:
    """Serve with Waitress in this process. It reads each request whole before a thread
    handles it (a slow client holds no thread), keeping bodies up to the upload limit in
    memory: photos never touch the disk."""
    from waitress import serve

    in_memory = upload_limit + 64 * 1024
    serve(
        app,
        host=plan.host,
        port=plan.port,
        threads=plan.threads,
        ident="emotionpix",
        inbuf_overflow=in_memory,
        max_request_body_size=in_memory,
    )
