"""Protection every state-changing request gets: CSRF tokens (Flask-WTF) on forms and on the
page's JSON calls, and rate limits (Flask-Limiter) on what is costly or guessable: signing
in and up, mails, and the CPU-heavy emotion endpoint.

Limits are counted per client address (behind a proxy, the address the proxy reports; see
``TRUSTED_PROXIES``) in ``RATELIMIT_STORAGE_URI``: this process's memory by default, Redis
when several workers or servers must share the count. A store that fails does not fail
requests: counting falls back to memory until it is back.
"""

from __future__ import annotations

from flask import Flask, current_app
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


def auth_limit() -> str:
    """The limit on sign-in, sign-up, resend and reset, per client (configurable)."""
    limit: str = current_app.config["RATE_LIMIT_AUTH"]
    return limit


def emotion_limit() -> str:
    """The limit on photo analysis per client (configurable)."""
    limit: str = current_app.config["RATE_LIMIT_EMOTION"]
    return limit


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
