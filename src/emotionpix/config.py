"""Configuration: built-in defaults, then ``EMOTIONPIX_*`` environment variables, then the
mapping a caller passes to ``create_app`` (tests do).

Environment values are parsed as JSON when they can be (``EMOTIONPIX_CACHE_TTL=60`` is an int,
``EMOTIONPIX_LANGUAGES='["Hindi"]'`` a list) and kept as text otherwise.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from emotionpix.providers.registry import provider_problems, provider_settings

PREFIX = "EMOTIONPIX"

DEFAULTS: dict[str, Any] = {
    # "production", "development" or "testing"; development also reads a ./.env file.
    "ENV": "production",
    # SQLAlchemy URLs; None means an SQLite file in the instance folder.
    "DATABASE_URL": None,
    # None: the cache lives in the app database; redis://host:6379/0 for Redis (shared by
    # every server), its keys starting with CACHE_KEY_PREFIX.
    "CACHE_URL": None,
    "CACHE_KEY_PREFIX": "emotionpix:cache:",
    # Migrate the app database at start-up; false where deploys run `emotionpix db upgrade`
    # first (a server then refuses to start on an outdated schema).
    "DATABASE_AUTO_UPGRADE": True,
    # A PostgreSQL server gets this long per call while the app serves (a connection, a
    # statement, a commit); one that misses it is left alone for DATABASE_COOLDOWN seconds
    # (signed-in visitors are served as guests meanwhile, writes answer 503).
    "DATABASE_TIMEOUT": 0.5,
    "DATABASE_COOLDOWN": 5.0,
    "CACHE_TTL": 3600,  # seconds a cached provider answer stays fresh
    "CACHE_STALE_TTL": 86400,  # seconds an expired answer is kept to serve if the provider fails
    "CACHE_MAX_ENTRIES": 10_000,  # the oldest entries beyond this are deleted
    # A store across the network gets this long per call; a failing one is bypassed and
    # left alone for CACHE_COOLDOWN seconds (answers keep coming, uncached).
    "CACHE_TIMEOUT": 1.0,
    "CACHE_COOLDOWN": 5.0,
    # Where films come from: "catalog" (embedded, offline), "tmdb" or "imdb236".
    "PROVIDER": "catalog",
    "CATALOG_PATH": None,  # None: the catalog bundled with the package
    # TMDB: a v3 API key or a v4 read-access token. With the catalog as provider, a TMDB
    # credential adds posters, plots and trailers to its films (by IMDb id).
    "TMDB_API_KEY": None,
    "TMDB_TOKEN": None,
    "TMDB_BASE_URL": "https://api.themoviedb.org/3",
    "RAPIDAPI_KEY": None,  # IMDb236 through RapidAPI
    "IMDB236_BASE_URL": "https://imdb236.p.rapidapi.com/api/imdb",
    # Every outbound call: timeouts (seconds), retries after 5xx/429/refused connections,
    # and the circuit breaker (consecutive failures that open it, seconds it stays open).
    "PROVIDER_CONNECT_TIMEOUT": 2.0,
    "PROVIDER_TIMEOUT": 5.0,
    "PROVIDER_RETRIES": 2,
    "PROVIDER_FAILURES_TO_OPEN": 5,
    "PROVIDER_COOLDOWN": 30.0,
    "ENRICH_TTL": 3 * 86400,  # seconds TMDB posters/plots for catalog films stay cached
    "ENRICH_WAIT": 0.3,  # seconds a page waits for posters not cached yet (the rest: later)
    # Emotion -> genre overrides, merged over recommend.mapping.DEFAULT_GENRES.
    "EMOTION_GENRES": {},
    # Mood-fit overrides (rules per mode and emotion, threshold, weights), merged over
    # recommend.moods; see README "Match my mood, or lift it".
    "MOOD_FIT": {},
    # Top two emotions of a photo closer than this are blended (measured: README).
    "CLOSE_CALL_MARGIN": 0.3,
    # The paper's filters. MIN_VOTES None: the provider's own default (see README).
    "MIN_RATING": 7.0,
    "MIN_VOTES": None,
    "YEAR_FROM": 1970,
    "YEAR_TO": 2026,
    "LANGUAGES": ["Hindi", "English"],
    "COUNTRIES": [],  # empty: films of any origin
    # Every Nth slot of a results page goes to the best remaining film from these countries.
    "SPOTLIGHT_COUNTRIES": ["India"],
    "SPOTLIGHT_EVERY": 4,
    "PAGE_SIZE": 20,
    "MAX_CANDIDATES": 200,  # ranked films kept per genre (and cached)
    "ROTATION_PAGES": 2,  # first pages are shuffled within windows of this many pages
    "SEARCH_LIMIT": 20,
    # The emotion engine: a model name from emotion/registry.py; None: the registry's default.
    "EMOTION_MODEL": None,
    "FACE_THRESHOLD": 0.6,  # BlazeFace score; a cat photo can reach 0.51
    "ONNX_THREADS": 1,
    "MAX_IMAGE_PIXELS": 40_000_000,  # decoded size limit (decompression bombs)
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,  # upload limit in bytes (Flask enforces it: 413)
    # Accounts: "local" (users in the app database) or "supabase" (Supabase Auth).
    "AUTH_BACKEND": "local",
    "LOGIN_REQUIRED": False,  # true: only verified, signed-in users get pages and the API
    "SMTP_URL": None,  # smtp://user:pass@host:587 or smtps://…; None: mail goes to the console
    "MAIL_FROM": "EmotionPix <no-reply@localhost>",
    "SUPABASE_URL": None,
    "SUPABASE_ANON_KEY": None,
    "SUPABASE_SERVICE_ROLE_KEY": None,  # optional: lets "delete my account" remove the login
    "REMEMBER_DAYS": 30,  # how long "keep me signed in" lasts
    "SESSION_COOKIE_SECURE": False,  # the cookie is Secure anyway on requests over HTTPS
    "SESSION_COOKIE_SAMESITE": "Lax",
    # argon2id cost: RFC 9106's "low-memory" profile (64 MiB, 3 passes) or "high-memory"
    # (2 GiB); "cheapest" is for the test suite only (refused outside ENV=testing).
    "PASSWORD_HASHING": "low-memory",
    # Requests come through this many proxies (nginx: 1), which say the client's address
    # and scheme in X-Forwarded-For/-Proto; 0: the connection's own.
    "TRUSTED_PROXIES": 0,
    # The address people use to reach the app (https://films.example.org): mailed links
    # (confirmation, password reset) are built on it, never on a request's Host header.
    # Without it, accounts mail links only for a development server on localhost.
    "PUBLIC_URL": None,
    # Host names the app answers to (others get 400); None: PUBLIC_URL's host and this
    # machine's (localhost, 127.0.0.1, ::1) when PUBLIC_URL is set, any host otherwise.
    "TRUSTED_HOSTS": None,
    # Rate limits per client address (Flask-Limiter notation), counted in RATELIMIT_STORAGE_URI
    # (memory:// is per process; redis://… is shared by every worker and server).
    "RATELIMIT_ENABLED": True,
    # None: the cache's Redis when EMOTIONPIX_CACHE_URL is redis://…, else memory://.
    "RATELIMIT_STORAGE_URI": None,
    "RATELIMIT_KEY_PREFIX": "emotionpix:limits",
    # Seconds a Redis rate-limit store gets per call (connect, each reply; no retries).
    # While it is unreachable: sign-in, sign-up and password reset are refused (429), other
    # limits are counted in each process's memory (see guards.py).
    "RATELIMIT_STORAGE_TIMEOUT": 0.3,
    "RATE_LIMIT_AUTH": "10 per minute;100 per day",
    "RATE_LIMIT_EMOTION": "120 per minute",
    "WTF_CSRF_TIME_LIMIT": None,  # a page's CSRF token lasts as long as its session
}


# Credentials: read as text, never parsed, never echoed in an error message.
SECRETS = (
    "SECRET_KEY",
    "TMDB_API_KEY",
    "TMDB_TOKEN",
    "RAPIDAPI_KEY",
    "SMTP_URL",
    "SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
)


def _secrets() -> tuple[str, ...]:
    """The app's credentials and those the movie providers declare."""
    return (*SECRETS, *(s.name for s in provider_settings() if s.secret))


def instance_path(overrides: Mapping[str, Any] | None = None) -> str | None:
    """Where the app keeps its files: ``INSTANCE_PATH`` if given, else Flask's default
    (``<venv>/var/emotionpix-instance`` for an installed package)."""
    path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get(f"{PREFIX}_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


class ConfigError(RuntimeError):
    """The configuration cannot work; raised at start-up, before serving anything."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides``, then check it."""
    app.config.update(DEFAULTS)
    for setting in provider_settings():  # each provider declares its own (providers/)
        app.config.setdefault(setting.name, setting.default)
    if os.environ.get(f"{PREFIX}_ENV", "production") == "development" and overrides is None:
        from dotenv import load_dotenv

        load_dotenv(Path.cwd() / ".env", override=False)
    app.config.from_prefixed_env(PREFIX)
    for key in _secrets():  # always text, even when a key happens to read as a JSON number
        if f"{PREFIX}_{key}" in os.environ:
            app.config[key] = os.environ[f"{PREFIX}_{key}"]
    if overrides:
        app.config.update(overrides)
    _fill_derived(app)
    _check(app.config)
    # Flask's own setting: Werkzeug refuses (400) a request whose Host is not among these.
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)


def _fill_derived(app: Flask) -> None:
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY") and _shared(app.config) and app.config["ENV"] != "testing":
        # Each server would make a secret of its own in its instance folder, and a session
        # signed by one would be refused by the next.
        raise ConfigError(
            f"{PREFIX}_SECRET_KEY: give every server the same secret (e.g. python -c "
            "'import secrets; print(secrets.token_urlsafe(48))'): with a shared database or "
            "cache several servers may answer one visitor"
        )
    try:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # secrets, the database
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    except OSError as exc:
        raise ConfigError(
            f"{PREFIX}_INSTANCE_PATH: cannot use the instance folder {instance} "
            f"({exc.strerror or type(exc).__name__}); give a writable folder"
        ) from None
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'emotionpix.sqlite3'}"
    if not app.config.get("CACHE_URL"):
        app.config["CACHE_URL"] = app.config["DATABASE_URL"]
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        cache = str(app.config["CACHE_URL"])
        shared = cache.startswith(("redis://", "rediss://"))
        app.config["RATELIMIT_STORAGE_URI"] = cache if shared else "memory://"


def _shared(config: Mapping[str, Any]) -> bool:
    """Whether the configuration points at a database or cache that other servers can use
    too (anything but SQLite files)."""
    urls = (config.get("DATABASE_URL"), config.get("CACHE_URL"))
    return any(url and not str(url).startswith("sqlite") for url in urls)


def _instance_secret(path: Path) -> str:
    """A random secret kept in the instance folder, so every worker and restart shares it.
    Several processes starting at once agree on one: the secret is written to a file of its
    own and linked into place, which only the first can do; the others read the winner's."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)  # atomic: fails if another process got there first
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    secret = path.read_text().strip()
    if not secret:
        raise ConfigError(f"{PREFIX}_SECRET_KEY: the secret file {path} is empty; delete it")
    return secret


def _check(config: Mapping[str, Any]) -> None:
    problems = []
    if config["ENV"] not in {"production", "development", "testing"}:
        problems.append("ENV must be production, development or testing")
    for key in (
        "CACHE_TTL",
        "CACHE_STALE_TTL",
        "PAGE_SIZE",
        "MAX_CANDIDATES",
        "ROTATION_PAGES",
        "SEARCH_LIMIT",
        "PROVIDER_RETRIES",
        "CACHE_MAX_ENTRIES",
        "PROVIDER_FAILURES_TO_OPEN",
        "ENRICH_TTL",
        "YEAR_FROM",
        "YEAR_TO",
        "ONNX_THREADS",
        "MAX_IMAGE_PIXELS",
        "MAX_CONTENT_LENGTH",
        "REMEMBER_DAYS",
        "TRUSTED_PROXIES",
    ):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a whole number >= 0, got {value!r}")
    if config["MIN_VOTES"] is not None and not isinstance(config["MIN_VOTES"], int):
        problems.append(f"MIN_VOTES must be a whole number, got {config['MIN_VOTES']!r}")
    if not isinstance(config["CACHE_KEY_PREFIX"], str):
        problems.append("CACHE_KEY_PREFIX must be text")
    if not isinstance(config["DATABASE_AUTO_UPGRADE"], bool):
        problems.append("DATABASE_AUTO_UPGRADE must be true or false")
    threshold = config["FACE_THRESHOLD"]
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        problems.append(f"FACE_THRESHOLD must be a number between 0 and 1, got {threshold!r}")
    for key in (
        "PROVIDER_CONNECT_TIMEOUT",
        "PROVIDER_TIMEOUT",
        "PROVIDER_COOLDOWN",
        "ENRICH_WAIT",
        "CACHE_TIMEOUT",
        "CACHE_COOLDOWN",
        "DATABASE_TIMEOUT",
        "DATABASE_COOLDOWN",
        "RATELIMIT_STORAGE_TIMEOUT",
    ):
        value = config[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a number of seconds >= 0, got {value!r}")
    for key in _secrets():
        if config[key] is not None and not isinstance(config[key], str):
            problems.append(f"{key} must be text")  # never echo a credential
    problems.extend(provider_problems(config))  # a registered name, with what it needs
    if not isinstance(config["MIN_RATING"], int | float):
        problems.append(f"MIN_RATING must be a number, got {config['MIN_RATING']!r}")
    for key in ("LANGUAGES", "COUNTRIES", "SPOTLIGHT_COUNTRIES"):
        if not isinstance(config[key], list) or not all(isinstance(v, str) for v in config[key]):
            problems.append(f"{key} must be a JSON list of names, got {config[key]!r}")
    if not isinstance(config["EMOTION_GENRES"], dict):
        problems.append("EMOTION_GENRES must be a JSON object of emotion -> genre")
    if not isinstance(config["MOOD_FIT"], dict):
        problems.append("MOOD_FIT must be a JSON object (see README)")
    margin = config["CLOSE_CALL_MARGIN"]
    if not isinstance(margin, int | float) or isinstance(margin, bool) or not 0 <= margin <= 1:
        problems.append(f"CLOSE_CALL_MARGIN must be a number from 0 to 1, got {margin!r}")
    if config["AUTH_BACKEND"] not in {"local", "supabase"}:
        problems.append(f"AUTH_BACKEND must be local or supabase, got {config['AUTH_BACKEND']!r}")
    elif config["AUTH_BACKEND"] == "supabase" and not (
        config["SUPABASE_URL"] and config["SUPABASE_ANON_KEY"]
    ):
        problems.append("AUTH_BACKEND supabase needs SUPABASE_URL and SUPABASE_ANON_KEY")
    hashing = config["PASSWORD_HASHING"]
    if hashing not in {"low-memory", "high-memory", "cheapest"}:
        problems.append(f"PASSWORD_HASHING must be low-memory or high-memory, got {hashing!r}")
    elif hashing == "cheapest" and config["ENV"] != "testing":
        problems.append("PASSWORD_HASHING cheapest is for the test suite only (ENV=testing)")
    for key in ("RATE_LIMIT_AUTH", "RATE_LIMIT_EMOTION"):
        if not _is_limit(config[key]):
            problems.append(f"{key} must read like '10 per minute', got {config[key]!r}")
    public = config["PUBLIC_URL"]
    if public is not None and not _is_origin(public):
        problems.append(
            "PUBLIC_URL must be an http(s) address such as https://films.example.org, "
            f"got {public!r}"
        )
    hosts = config["TRUSTED_HOSTS"]
    if hosts is not None and (
        not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts)
    ):
        problems.append(f"TRUSTED_HOSTS must be a JSON list of host names, got {hosts!r}")
    if problems:
        raise ConfigError("; ".join(f"{PREFIX}_{p}" for p in problems))


def _is_origin(value: Any) -> bool:
    """An http(s) address with a host and nothing after the path (no query, no fragment)."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and not (parts.query or parts.fragment or parts.username or parts.password)
    )


def trusted_hosts(config: Mapping[str, Any]) -> list[str] | None:
    """The Host names the app answers to (Werkzeug checks them): ``TRUSTED_HOSTS``, else
    PUBLIC_URL's host and loopback names, else None (any host: a development server)."""
    if config["TRUSTED_HOSTS"] is not None:
        return list(config["TRUSTED_HOSTS"])
    if config["PUBLIC_URL"]:
        return [str(urlsplit(config["PUBLIC_URL"]).hostname), "localhost", "127.0.0.1", "::1"]
    return None


def _is_limit(value: Any) -> bool:
    """A Flask-Limiter limit string ("10 per minute;100 per day")."""
    from limits import parse_many

    try:
        return isinstance(value, str) and bool(parse_many(value))
    except ValueError:
        return False
