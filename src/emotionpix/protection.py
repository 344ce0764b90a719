"""Protection every state-changing request gets: CSRF tokens (Flask-WTF) on forms and on the
page's JSON calls, and rate limits (Flask-Limiter) on what is costly or guessable: signing
in and up, mails, and the CPU-heavy emotion endpoint.

Limits are counted per client address (behind a proxy, the address the proxy reports; see
``TRUSTED_PROXIES``) in ``RATELIMIT_STORAGE_URI``: this process's memory by default, Redis
when several workers or servers must share the count.

A Redis store gets ``RATELIMIT_STORAGE_TIMEOUT`` seconds per call (connecting, each reply;
no retries), so a dead or hung one costs one request that long, never seconds. Counting then
falls back to this process's memory, and Flask-Limiter asks the store again now and then
(after 1, 2, 4 … 32 s) until it answers. Meanwhile the limits differ by what they guard:

- sign-in, sign-up, resend and password reset fail closed (429): a process's fresh memory
  would give an address that was already refused its whole quota again, in every process;
- photo analysis is counted in each process's memory (the same limit per process).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(
    get_remote_address,
    headers_enabled=True,  # 429s carry Retry-After; every limited answer its X-RateLimit-*
    swallow_errors=True,
    in_memory_fallback_enabled=True,
    strategy="moving-window",
)

# The auth limit while the shared store is unreachable: nothing gets through.
CLOSED = "0 per minute"
REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


def never_stored(response: Response) -> Response:
    """An answer with personal data or tokens in it: no browser or proxy may keep it (a
    blueprint's ``after_request``)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def auth_limit() -> str:
    """The limit on sign-in, sign-up, resend and reset, per client (configurable); closed
    while the shared store cannot be reached."""
    if store_unreachable():
        return CLOSED
    limit: str = current_app.config["RATE_LIMIT_AUTH"]
    return limit


def emotion_limit() -> str:
    """The limit on photo analysis per client (configurable)."""
    limit: str = current_app.config["RATE_LIMIT_EMOTION"]
    return limit


def store_unreachable() -> bool:
    """Whether the shared store failed and counting has fallen back to memory (Flask-Limiter
    then hands its in-memory strategy out instead of the store's)."""
    return bool(limiter.enabled and limiter.initialized) and (
        limiter.limiter.storage is not limiter.storage
    )


def store_health() -> str:
    """The rate-limit store as /healthz reports it; asks a shared store once, within
    ``RATELIMIT_STORAGE_TIMEOUT`` (per reply)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return "off"
    if not str(config["RATELIMIT_STORAGE_URI"]).startswith(REDIS_SCHEMES):
        return "memory (each process counts its own)"
    if store_unreachable() or not limiter.storage.check():
        return (
            "unreachable: sign-in, sign-up and password reset are refused until it answers; "
            "photo analysis is counted per process"
        )
    return "ok"


def redis_options(timeout: float) -> dict[str, Any]:
    """Redis client options that bound every wait by ``timeout`` seconds: one try, then
    Flask-Limiter's fallback decides (redis-py would retry with backoff for seconds)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if uri.startswith(REDIS_SCHEMES) and "RATELIMIT_STORAGE_OPTIONS" not in app.config:
        app.config["RATELIMIT_STORAGE_OPTIONS"] = redis_options(
            app.config["RATELIMIT_STORAGE_TIMEOUT"]
        )
    limiter.init_app(app)
