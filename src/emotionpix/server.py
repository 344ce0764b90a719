"""Production WSGI servers for ``emotionpix serve``: Waitress (one process) by default,
Gunicorn (several worker processes, each with threads) for ``--workers N`` behind a proxy.

Waitress reads every request whole in its event loop before a thread handles it, so clients
that trickle their headers or uploads hold no thread: measured with
``benchmarks/slow_clients.py`` (docs/deploy.md), it answered every probe within 50 ms while 50
such clients trickled, where one Gunicorn gthread worker answered none within 10 s. Gunicorn
hands a connection to a thread as soon as it is readable, so it belongs behind nginx, which
buffers requests the same way."""

from __future__ import annotations

import errno
import importlib.util
import io
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Seconds a worker may go silent (hung) before Gunicorn replaces it (a face upload takes
# ~30 ms; a hung provider is cut at 5 s by its own timeout), and that requests under way get
# to finish on shutdown (SIGTERM) before the workers are stopped. Waitress drops a connection
# silent for REQUEST_TIMEOUT.
REQUEST_TIMEOUT = 30
GRACEFUL_TIMEOUT = 10
KEEPALIVE = 5  # seconds an idle keep-alive connection (from the proxy) is kept
# Connections Waitress keeps at once. Its own default, 100, is all that 100 trickling clients
# need to shut everyone else out; each one costs a file descriptor and, while it sends, up to
# an upload's worth of memory.
CONNECTION_LIMIT = 1000


@dataclass(frozen=True)
class Plan:
    """Where and how to serve."""

    host: str
    port: int
    workers: int
    threads: int
    access_log: str | None  # "-" for standard output, a path, or None for none
    log_static: bool = False  # log requests for /static/ files too (a page makes dozens)


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on ``host``:``port`` (bound as the servers bind, so
    a port left in TIME_WAIT by a server just stopped counts as free)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno in {
                errno.EADDRINUSE,
                errno.EACCES,
                getattr(errno, "WSAEADDRINUSE", -1),
            }
    return False


def gunicorn_available() -> bool:
    """Gunicorn needs a POSIX system (fork, signals)."""
    return os.name == "posix" and importlib.util.find_spec("gunicorn") is not None


def onnx_threads_for(workers: int, wanted: int, cores: int | None = None) -> int:
    """ONNX Runtime threads per model such that threads x workers stays within the cores:
    more would make the workers' inference fight over them (and slow every request)."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(wanted, cores // max(workers, 1)))


# -- access log ----------------------------------------------------------------------------

# A query parameter named like a secret (token, access_token, refresh_token, ...: the links
# mailed to confirm an address or reset a password) and its value up to the next separator.
_SECRET_PARAMETER = re.compile(r"(?i)((?:^|[?&;])[\w.-]*token=)[^&;#\s\"]*")


def redact(text: str) -> str:
    """``text`` (a request line, query string or referrer) with every token's value hidden."""
    return _SECRET_PARAMETER.sub(r"\1[redacted]", text)


def _printable(text: str) -> str:
    """Quotes and control characters escaped, so that a request cannot forge a log line."""
    return "".join(c if c.isprintable() and c != '"' else f"\\x{ord(c):02x}" for c in text)


def access_logger(target: str) -> logging.Logger:
    """The access log: standard output for ``-``, else the file at ``target`` (appended to)."""
    logger = logging.getLogger("emotionpix.access")
    handler = logging.StreamHandler(sys.stdout) if target == "-" else logging.FileHandler(target)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


STATIC_PREFIX = "/static/"


def is_static(path: str) -> bool:
    """A request for one of the page's files (scripts, styles, models): left out of the access
    log unless asked for, so that the pages and API calls stand out."""
    return path.startswith(STATIC_PREFIX)


class AccessLog:
    """A line per request, in Gunicorn's default format, for a server that writes none
    (Waitress); tokens in the address and the referrer are redacted; static files only when
    ``log_static``."""

    def __init__(self, app: WSGIApplication, log: logging.Logger, log_static: bool = False):
        self.app, self.log, self.log_static = app, log, log_static

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self.log_static and is_static(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            self.log.info(self.line(environ, status, headers))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)

    @staticmethod
    def line(environ: WSGIEnvironment, status: str, headers: list[tuple[str, str]]) -> str:
        target = environ.get("REQUEST_URI")  # as sent: Waitress keeps it
        if target is None:
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        request = f"{environ['REQUEST_METHOD']} {target} {environ.get('SERVER_PROTOCOL', '-')}"
        length = next((v for k, v in headers if k.lower() == "content-length"), "-")
        fields = [
            _printable(redact(field))
            for field in (
                request,
                environ.get("HTTP_REFERER", "-"),
                environ.get("HTTP_USER_AGENT", "-"),
            )
        ]
        when = datetime.now().astimezone().strftime("%d/%b/%Y:%H:%M:%S %z")
        return (
            f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{fields[0]}" {status.split()[0]} '
            f'{length} "{fields[1]}" "{fields[2]}"'
        )


# -- Gunicorn ------------------------------------------------------------------------------


class ChunkedBodyLimit:
    """Gunicorn streams a chunked body to the app, and Werkzeug reads one only up to the upload
    limit, dropping the rest without a word (a 30 MB upload became a 10 MB one, answered 200).
    This reads such a body first, one byte past the limit at most: within it the app gets the
    body with its length; over it the app gets a length over the limit, and answers 413 (JSON
    for /api/*) as it does for a Content-Length over it."""

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        encoding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if "chunked" in encoding and "CONTENT_LENGTH" not in environ:
            body = bytearray()
            while len(body) <= self.limit and (chunk := environ["wsgi.input"].read(64 * 1024)):
                body += chunk
            del environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug ignores a length beside it
            environ["CONTENT_LENGTH"] = str(min(len(body), self.limit + 1))
            environ["wsgi.input"] = io.BytesIO(b"" if len(body) > self.limit else bytes(body))
        return self.app(environ, start_response)


def run_gunicorn(factory: Callable[[], Flask], plan: Plan) -> None:
    """Serve with Gunicorn: ``plan.workers`` processes, each building its own app (models,
    connection pools) after the fork, each with ``plan.threads`` threads (gthread)."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):  # type: ignore[misc]
        """Gunicorn's logger, with tokens' values left out of every access-log field."""

        def atoms(self, *args: Any) -> dict[str, Any]:
            atoms: dict[str, Any] = super().atoms(*args)
            return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}

        def access(self, resp: Any, req: Any, environ: WSGIEnvironment, *args: Any) -> None:
            if plan.log_static or not is_static(environ.get("PATH_INFO", "")):
                super().access(resp, req, environ, *args)

    options: dict[str, Any] = {
        "bind": f"{plan.host}:{plan.port}",
        "workers": plan.workers,
        "worker_class": "gthread",
        "threads": plan.threads,
        "timeout": REQUEST_TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": KEEPALIVE,
        "accesslog": plan.access_log,
        "logger_class": RedactingLogger,
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

        def load(self) -> WSGIApplication:
            app = factory()
            return ChunkedBodyLimit(app, app.config["MAX_CONTENT_LENGTH"])

    Application().run()


# -- Waitress ------------------------------------------------------------------------------


class _TooLargeTask(WSGITask):  # type: ignore[misc]
    """Waitress answers a body over its limit itself, in plain text. This passes the request
    to the app instead, without its body and with a length over the limit, so that the app
    answers its 413 (JSON for /api/*); the connection is closed after it."""

    def get_environment(self) -> WSGIEnvironment:
        environ: WSGIEnvironment = super().get_environment()
        environ["CONTENT_LENGTH"] = str(self.channel.adj.max_request_body_size)
        environ["wsgi.input"] = io.BytesIO()
        return environ

    def execute(self) -> None:
        self.set_close_on_finish()  # the rest of the body is never read
        super().execute()


class _Channel(HTTPChannel):  # type: ignore[misc]
    @staticmethod
    def error_task_class(channel: HTTPChannel, request: Any) -> WSGITask | ErrorTask:
        if isinstance(request.error, RequestEntityTooLarge):
            return _TooLargeTask(channel, request)
        return ErrorTask(channel, request)


def _connections_allowed(wanted: int) -> int:
    """``wanted``, or fewer if the open-file limit (raised towards its ceiling first) cannot
    hold that many sockets beside the app's own files."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + 100
    if soft != resource.RLIM_INFINITY and soft < need:
        soft = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return wanted if soft == resource.RLIM_INFINITY else max(10, min(wanted, soft - 100))


def run_waitress(app: Flask, plan: Plan, upload_limit: int) -> None:
    """Serve with Waitress in this process. It reads each request whole before a thread
    handles it (a slow client holds no thread), keeping bodies up to the upload limit in
    memory: photos never touch the disk. A body over the limit, chunked or not, gets the
    app's own 413."""
    from waitress import create_server

    in_memory = upload_limit + 64 * 1024
    wsgi: WSGIApplication = app
    if plan.access_log:
        wsgi = AccessLog(app, access_logger(plan.access_log), plan.log_static)
    sockets: dict[int, Any] = {}
    server = create_server(
        wsgi,
        map=sockets,
        host=plan.host,
        port=plan.port,
        threads=plan.threads,
        ident="emotionpix",
        inbuf_overflow=in_memory,
        max_request_body_size=in_memory,
        connection_limit=_connections_allowed(CONNECTION_LIMIT),
        asyncore_use_poll=True,  # select() cannot watch descriptors past 1024
        channel_timeout=REQUEST_TIMEOUT,
    )
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _Channel
    logging.basicConfig()  # Waitress's messages on standard error, as waitress.serve() does
    logging.getLogger("waitress").setLevel(logging.INFO)
    server.print_listen("Serving on http://{}:{}")  # each address it listens on
    server.run()
