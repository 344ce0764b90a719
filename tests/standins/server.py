"""A stand-in API: a real HTTP server on 127.0.0.1 in a thread, with faults a test can order
(an error status for the next calls, a slow answer, a body that is not JSON, the server
going down and coming back) and a log of every request it received."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class Fault:
    status: int
    times: int
    body: str = '{"message": "stand-in failure"}'
    headers: dict[str, str] = field(default_factory=dict)


class StandIn:
    """Serve ``app`` (a Flask app following an API's documented contract) on a free port."""

    def __init__(self, app: Flask):
        self.app = app
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0  # seconds every answer waits
        self.in_flight = 0
        self.max_in_flight = 0
        self._faults: list[Fault] = []
        self._malformed = 0
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self.port = 0
        # First of the app's hooks: every request is logged and faults come before the API's
        # own checks.
        app.before_request_funcs.setdefault(None, []).insert(0, self._before)
        app.after_request(self._after)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StandIn:
        """Serve (again, on the same port once it had one)."""
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def running(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        """Go down: connections are refused until ``start``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail(self, status: int, times: int = 1, **kwargs: Any) -> None:
        """Answer the next ``times`` requests with ``status``."""
        with self._lock:
            self._faults.append(Fault(status, times, **kwargs))

    def malformed(self, times: int = 1) -> None:
        """Answer the next ``times`` requests with 200 and a body that is not JSON."""
        with self._lock:
            self._malformed += times

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self._malformed = 0
            self.requests.clear()
            self.delay = 0.0
            self.max_in_flight = 0

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def _before(self) -> Response | None:
        with self._lock:
            self.requests.append(
                {
                    "path": request.path,
                    "args": request.args.to_dict(),
                    "headers": dict(request.headers),
                }
            )
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            fault = self._faults[0] if self._faults else None
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.pop(0)
            malformed = self._malformed > 0
            self._malformed -= malformed
        if self.delay:
            time.sleep(self.delay)
        if fault is not None:
            return Response(fault.body, fault.status, fault.headers, mimetype="application/json")
        if malformed:
            return Response("<html>Bad gateway</html>", 200, mimetype="application/json")
        return None

    def _after(self, response: Response) -> Response:
        with self._lock:
            self.in_flight -= 1
        return response
