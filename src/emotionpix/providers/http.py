"""The one way out to a movie API. Every outbound call goes through ``HttpClient.get_json``:
pooled connections (httpx), connect and read timeouts, bounded retries with backoff on 5xx,
429 (honouring ``Retry-After``) and refused connections, a circuit breaker that makes a dead
provider cost microseconds instead of a timeout per request, and statistics. No secret ever
reaches a log line, an error message or anything the caller keeps: errors name the path,
never the URL with its query string.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from emotionpix.breaker import CircuitBreaker
from emotionpix.providers.base import ProviderError

log = logging.getLogger(__name__)

Params = Mapping[str, str | int | float]


@dataclass(frozen=True)
class HttpSettings:
    """How patient to be with one API."""

    base_url: str
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    retries: int = 2  # extra attempts after a 5xx, a 429 or a refused connection
    backoff: float = 0.2  # seconds before the first retry, doubled for each next one
    max_retry_after: float = 3.0  # a longer Retry-After is not waited for: the call fails
    failures_to_open: int = 5  # consecutive failed calls that open the circuit
    cooldown: float = 30.0  # seconds the circuit stays open before one trial call
    pool_size: int = 20  # connections kept, and parallel requests at most (a page of films)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], base_url: str) -> HttpSettings:
        """The app's ``PROVIDER_*`` settings (shared by every remote provider) for the API
        at ``base_url``."""
        return cls(
            base_url=base_url,
            connect_timeout=float(config["PROVIDER_CONNECT_TIMEOUT"]),
            read_timeout=float(config["PROVIDER_TIMEOUT"]),
            retries=int(config["PROVIDER_RETRIES"]),
            failures_to_open=int(config["PROVIDER_FAILURES_TO_OPEN"]),
            cooldown=float(config["PROVIDER_COOLDOWN"]),
        )


class _Redact(logging.Filter):
    """Replaces secrets in the records of a library logger (httpx logs each request's URL,
    query string included, at INFO). One filter for every client of the process."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[secret]")
            record.msg, record.args = message, None
        return True


_REDACT = _Redact()
logging.getLogger("httpx").addFilter(_REDACT)


class _Retry(Exception):
    """One attempt failed in a way worth another attempt: after ``after`` seconds if the API
    said so (Retry-After), else after the usual backoff."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.after = after


class HttpClient:
    """JSON GETs against one API (``settings.base_url``), with ``headers`` and ``params``
    sent on every call (credentials among them; list them in ``secrets`` so logs redact them).
    ``quota_headers`` names response headers worth keeping (the last values seen are in
    ``stats``). ``transport`` and ``clock``/``sleep`` let tests inject their own."""

    def __init__(
        self,
        name: str,
        settings: HttpSettings,
        *,
        headers: Mapping[str, str] | None = None,
        params: Params | None = None,
        secrets: Iterable[str] = (),
        quota_headers: Sequence[str] = (),
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.name = name
        self.settings = settings
        self._params = dict(params or {})
        self._quota_headers = [h.lower() for h in quota_headers]
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=settings.base_url.rstrip("/") + "/",
            headers={"Accept": "application/json", **(headers or {})},
            timeout=httpx.Timeout(
                settings.read_timeout, connect=settings.connect_timeout, pool=settings.read_timeout
            ),
            limits=httpx.Limits(
                max_connections=settings.pool_size, max_keepalive_connections=settings.pool_size
            ),
            transport=transport,
            follow_redirects=False,
        )
        self._pool = ThreadPoolExecutor(settings.pool_size, thread_name_prefix=f"http-{name}")
        self.breaker = CircuitBreaker(settings.failures_to_open, settings.cooldown, clock)
        _REDACT.secrets.update(secret for secret in secrets if secret)
        self._lock = threading.Lock()
        self._latencies: deque[float] = deque(maxlen=1000)
        self._counts = {"requests": 0, "calls": 0, "errors": 0, "retries": 0, "refused": 0}
        self._quota: dict[str, str] = {}

    def get_json(self, path: str, params: Params | None = None, *, missing_ok: bool = False) -> Any:
        """The decoded JSON answer to GET ``path``; None for a 404 when ``missing_ok``.
        Raises ProviderError when the API cannot give a usable answer."""
        if not self.breaker.allow():
            self._count("refused")
            raise ProviderError(
                f"{self.name} is unavailable (circuit open after repeated failures)"
            )
        self._count("calls")
        query = {**self._params, **(params or {})}
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                result = self._attempt(path.lstrip("/"), query, missing_ok)
            except _Retry as retry:
                delay = self.settings.backoff * 2**attempt if retry.after is None else retry.after
                if attempt + 1 < attempts and delay <= self.settings.max_retry_after:
                    self._count("retries")
                    self._sleep(delay)
                    continue
                self._fail(path, retry.reason)
            except ProviderError as exc:
                self._fail(path, str(exc))
            else:
                self.breaker.succeeded()
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def get_many(
        self, calls: Sequence[tuple[str, Params]], *, missing_ok: bool = False
    ) -> list[Any]:
        """Several GETs at once (one round trip of wall time, not one per call); raises the
        first failure."""
        if len(calls) == 1:
            return [self.get_json(*calls[0], missing_ok=missing_ok)]
        futures = [
            self._pool.submit(self.get_json, path, params, missing_ok=missing_ok)
            for path, params in calls
        ]
        return [future.result() for future in futures]

    def in_background(self, call: Callable[[], Any]) -> None:
        """Run ``call`` on this client's threads without waiting; a ProviderError it raises
        is dropped (it was logged and counted where it happened)."""

        def run() -> None:
            with contextlib.suppress(ProviderError):
                call()

        self._pool.submit(run)

    def _attempt(self, path: str, query: Params, missing_ok: bool) -> Any:
        started = time.perf_counter()
        try:
            response = self._client.get(path, params=query)
        except httpx.TimeoutException:
            raise ProviderError(f"did not answer within {self.settings.read_timeout:g} s") from None
        except httpx.TransportError as exc:  # refused, reset, DNS: worth one more try
            raise _Retry(f"could not be reached ({type(exc).__name__})") from None
        finally:
            self._record_latency(time.perf_counter() - started)
        self._keep_quota(response.headers)
        status = response.status_code
        if status == 404 and missing_ok:
            return None
        if status == 429:
            raise _Retry("is rate limiting us (429)", _retry_after(response))
        if status >= 500:
            raise _Retry(f"failed ({status})", _retry_after(response))
        if status in (401, 403):
            raise ProviderError(f"refused our credentials ({status}); check the API key")
        if status != 200:
            raise ProviderError(f"answered {status}")
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ProviderError("sent an answer that is not JSON") from None

    def _fail(self, path: str, reason: str) -> None:
        self.breaker.failed()
        self._count("errors")
        message = f"{self.name} {path.split('?')[0]}: {reason}"
        log.warning("provider call failed: %s", message)
        raise ProviderError(message)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _record_latency(self, seconds: float) -> None:
        with self._lock:
            self._counts["requests"] += 1
            self._latencies.append(seconds * 1000)

    def _keep_quota(self, headers: httpx.Headers) -> None:
        found = {name: headers[name] for name in self._quota_headers if name in headers}
        if found:
            with self._lock:
                self._quota.update(found)

    def stats(self) -> dict[str, Any]:
        """This process's view: calls (logical), requests (HTTP, retries included), errors,
        retries, calls refused by the open circuit, latency percentiles of the last 1,000
        requests, the circuit's state and the quota headers last seen."""
        with self._lock:
            latencies = sorted(self._latencies)
            counts = dict(self._counts)
            quota = dict(self._quota)
        return {
            **counts,
            "latency_ms": {
                "p50": _percentile(latencies, 0.50),
                "p95": _percentile(latencies, 0.95),
            },
            "circuit": self.breaker.state,
            "circuit_opened": self.breaker.times_opened,
            "quota": quota or None,
        }

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); None without one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _percentile(ordered: Sequence[float], share: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)
