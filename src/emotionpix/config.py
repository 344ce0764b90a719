"""Settings: every ``EMOTIONPIX_*`` variable is declared once below (``SETTINGS``, plus the
ones each movie provider declares in its own file) with its type, default and one line of
help. Values come from the defaults, then the environment, then — with
``EMOTIONPIX_ENV=development`` — a ``.env`` file in the working directory (the environment
wins), then the mapping a caller passes to ``create_app`` (tests do). Each value is checked
against its type (pydantic) at start-up: one that does not parse stops the app with a line
naming the variable, the value (never a secret's) and what is allowed.

Booleans accept true/false, 1/0, yes/no, on/off in any case; lists and objects are JSON
(``EMOTIONPIX_LANGUAGES='["Hindi"]'``); text stays text. ``emotionpix config`` prints the
effective settings, secrets masked, each with where it came from.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from flask import Flask
from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from emotionpix.core.settings import Setting
from emotionpix.providers.registry import provider_problems, provider_settings

PREFIX = "EMOTIONPIX"
log = logging.getLogger(__name__)
T = TypeVar("T")


class ConfigError(RuntimeError):
    """The configuration cannot work; raised at start-up, before serving anything."""


def _limit(value: str) -> str:
    """A Flask-Limiter limit ("10 per minute;100 per day")."""
    from limits import parse_many

    try:
        if parse_many(value):
            return value
    except ValueError:
        pass
    raise ValueError("should read like '10 per minute' (several joined by ';')")


def _origin(value: str | None) -> str | None:
    """An http(s) address with a host and nothing after the path."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("should be an http(s) address such as https://films.example.org")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("should have no query, fragment or credentials")
    return value


Count = Annotated[int, Field(strict=True, ge=0)]
Positive = Annotated[int, Field(strict=True, ge=1)]
Seconds = Annotated[float, Field(ge=0)]
Names = list[str]
Text = str | None
Limit = Annotated[str, AfterValidator(_limit)]

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ENV",
        Literal["production", "development", "testing"],
        "production",
        "`production`, `development` (reads `.env`) or `testing`",
    ),
    Setting(
        "INSTANCE_PATH",
        Text,
        None,
        "folder for the database, cache and secret key",
        shown="<venv>/var/emotionpix-instance",
    ),
    Setting(
        "SECRET_KEY",
        Text,
        None,
        "signs sessions; required (the same on every server) when the database or cache "
        "is shared (not SQLite)",
        secret=True,
        shown="generated once into the instance folder",
    ),
    Setting(
        "DATABASE_URL",
        Text,
        None,
        "SQLite or PostgreSQL SQLAlchemy URL, e.g. `postgresql+psycopg://user@host/db` "
        "(`pip install '.[postgres]'`)",
        secret=True,
        shown="SQLite file in the instance folder",
    ),
    Setting(
        "DATABASE_AUTO_UPGRADE",
        bool,
        True,
        "migrate the database at start-up; `false` where deploys run `emotionpix db "
        "upgrade` (a server then refuses an outdated schema)",
    ),
    Setting(
        "DATABASE_TIMEOUT",
        Seconds,
        0.5,
        "seconds a call to a PostgreSQL server may take while serving (then its requests "
        "are served as for guests, writes get 503)",
    ),
    Setting(
        "DATABASE_COOLDOWN",
        Seconds,
        5.0,
        "seconds a PostgreSQL server that missed its deadline is left alone",
    ),
    Setting(
        "CACHE_URL",
        Text,
        None,
        "where the cache lives: an SQLite or PostgreSQL URL, or Redis, "
        "`redis://host:6379/0` (`pip install '.[redis]'`)",
        secret=True,
        shown="the database URL",
    ),
    Setting(
        "CACHE_KEY_PREFIX",
        str,
        "emotionpix:cache:",
        "the start of every Redis key of the cache (one per app sharing a Redis)",
    ),
    Setting("CACHE_TTL", Count, 3600, "seconds a cached provider answer stays fresh"),
    Setting(
        "CACHE_STALE_TTL",
        Count,
        86400,
        "seconds an expired answer is kept as a fallback for provider failures; purged after",
    ),
    Setting("CACHE_MAX_ENTRIES", Count, 10_000, "the oldest entries beyond this are deleted"),
    Setting("CACHE_TIMEOUT", Seconds, 1.0, "seconds a call to a cache across the network may take"),
    Setting("CACHE_COOLDOWN", Seconds, 5.0, "seconds a failing cache store is left alone"),
    Setting(
        "PROVIDER",
        str,
        "catalog",
        "movie source: `catalog`, `tmdb` or `imdb236` (see Movie providers)",
    ),
    Setting("PROVIDER_CONNECT_TIMEOUT", Seconds, 2.0, "seconds to connect to a movie provider"),
    Setting("PROVIDER_TIMEOUT", Seconds, 5.0, "seconds to wait for a movie provider's answer"),
    Setting("PROVIDER_RETRIES", Count, 2, "extra attempts after 5xx, 429 or a refused connection"),
    Setting(
        "PROVIDER_FAILURES_TO_OPEN",
        Count,
        5,
        "failed calls in a row that open the provider's circuit",
    ),
    Setting("PROVIDER_COOLDOWN", Seconds, 30.0, "seconds the provider's circuit stays open"),
    Setting(
        "ENRICH_TTL", Count, 3 * 86400, "seconds TMDB posters and plots for catalog films are kept"
    ),
    Setting(
        "ENRICH_WAIT",
        Seconds,
        0.3,
        "seconds a page waits for posters not cached yet (the rest come later)",
    ),
    Setting("EMOTION_GENRES", dict[str, str], {}, "overrides of the emotion → genre table"),
    Setting(
        "MOOD_FIT",
        dict[str, Any],
        {},
        "overrides of the mood rules (`match`, `lift`: per emotion `genre` (lift only), "
        "`feature`, `support`, `conflict`, `cues`, and in tone terms `want`, `avoid`, "
        "`need`, `never`, `limits`) and of `threshold` (0.5), `weight` (3), `other` (0.5), "
        '`variety` (0.75), `cue_cap` (1) — see "Match my mood, or lift it" and "What a '
        'film feels like"',
    ),
    Setting(
        "BLEND_MARGIN",
        Annotated[float, Field(ge=0, le=1)],
        0.3,
        "a photo's top two emotions closer than this are blended (the page asks which "
        "only within 0.15, the emotion API's `close_call`)",
        old_names=("CLOSE_CALL_MARGIN",),
    ),
    Setting("MIN_RATING", Annotated[float, Field(ge=0, le=10)], 7.0, "minimum rating (0 to 10)"),
    Setting(
        "MIN_VOTES",
        Annotated[int, Field(strict=True, ge=0)] | None,
        None,
        "minimum votes, in the provider's unit",
        shown="provider's default (catalog: 10 reviews; TMDB, IMDb236: 1,000 votes)",
    ),
    Setting("YEAR_FROM", Count, 1970, "first release year, inclusive"),
    Setting("YEAR_TO", Count, 2026, "last release year, inclusive"),
    Setting(
        "LANGUAGES",
        Names,
        ["Hindi", "English"],
        "a film qualifies if it has any of these; `[]` = any",
    ),
    Setting("COUNTRIES", Names, [], "origin countries; `[]` = any"),
    Setting(
        "SPOTLIGHT_COUNTRIES",
        Names,
        ["India"],
        "every Nth slot of a page goes to the best remaining film from these countries",
    ),
    Setting("SPOTLIGHT_EVERY", Positive, 4, "N for the spotlight slots"),
    Setting("PAGE_SIZE", Positive, 20, "films per page"),
    Setting("MAX_CANDIDATES", Positive, 200, "ranked films kept (and cached) per mood and mode"),
    Setting(
        "ROTATION_PAGES",
        Positive,
        2,
        "pages per shuffle window (1 = shuffle within each page only)",
    ),
    Setting("SEARCH_LIMIT", Positive, 20, "search results"),
    Setting(
        "CROWD",
        bool,
        True,
        "every viewer's ranking starts from what the members who let the app learn liked, "
        "together, once at least 5 of them said something about a feature (`false`: from "
        "the mood's rules alone)",
    ),
    Setting(
        "CROWD_REFRESH",
        Seconds,
        600.0,
        "seconds between rebuilds of what the members liked (per process; 0: every request)",
    ),
    Setting(
        "EMOTION_MODEL",
        Text,
        None,
        "registered facial-expression model (`emotionpix-wide` or `fer-mini-xception`; "
        "with `./training` installed also `emotionpix-distilled-2`, "
        "`emotionpix-distilled`, `emotionpix-ensemble`, `emotionpix-vgg`)",
        shown="emotionpix-wide",
    ),
    Setting(
        "FACE_THRESHOLD",
        Annotated[float, Field(gt=0, lt=1)],
        0.6,
        "minimum BlazeFace score for a face (the keypoint layout is checked as well)",
    ),
    Setting(
        "ONNX_THREADS", Positive, 1, "ONNX Runtime threads per model (1 is fastest on 2 cores)"
    ),
    Setting("MAX_IMAGE_PIXELS", Positive, 40_000_000, "largest decoded image (pixels)"),
    Setting("MAX_CONTENT_LENGTH", Positive, 10 * 1024 * 1024, "largest upload (bytes)"),
    Setting(
        "AUTH_BACKEND",
        Literal["local", "supabase"],
        "local",
        "`local` (accounts in the app database) or `supabase`",
    ),
    Setting(
        "LOGIN_REQUIRED",
        bool,
        False,
        "`true`: only verified, signed-in users get pages and the API",
    ),
    Setting(
        "SMTP_URL",
        Text,
        None,
        "mail server for account emails, `smtp://user:pass@host:587` or `smtps://…` "
        "(none: the console)",
        secret=True,
    ),
    Setting("MAIL_FROM", str, "EmotionPix <no-reply@localhost>", "the account emails' sender"),
    Setting("SUPABASE_URL", Text, None, "the Supabase project (backend `supabase`)"),
    Setting("SUPABASE_ANON_KEY", Text, None, "the Supabase project's anon key", secret=True),
    Setting(
        "SUPABASE_SERVICE_ROLE_KEY",
        Text,
        None,
        "optional: lets account deletion remove the Supabase login too",
        secret=True,
    ),
    Setting(
        "PASSWORD_HASHING",
        Literal["low-memory", "high-memory", "cheapest"],
        "low-memory",
        "argon2id cost: RFC 9106 `low-memory` (64 MiB) or `high-memory` (2 GiB); "
        "`cheapest` is for the test suite only",
    ),
    Setting("REMEMBER_DAYS", Positive, 30, 'how long "keep me signed in" (and any session) lasts'),
    Setting(
        "SESSION_COOKIE_SECURE",
        bool,
        False,
        "always mark the session cookie Secure (it is anyway on HTTPS requests)",
    ),
    Setting(
        "TRUSTED_PROXIES",
        Count,
        0,
        "proxies in front of the app whose `X-Forwarded-For`/`-Proto`/`-Host` are "
        "believed (nginx: 1)",
    ),
    Setting(
        "PUBLIC_URL",
        Annotated[str | None, AfterValidator(_origin)],
        None,
        "the address people use (`https://films.example.org`): mailed links are built on "
        "it; required for accounts anywhere but `localhost`",
    ),
    Setting(
        "TRUSTED_HOSTS",
        Names | None,
        None,
        "JSON list of host names the app answers to (others: 400)",
        shown="the public URL's host and `localhost`, `127.0.0.1`, `::1` when it is set; "
        "any host otherwise",
    ),
    Setting(
        "RATE_LIMIT_AUTH",
        Limit,
        "10 per minute;100 per day",
        "per client address: sign-in, sign-up, confirmation, resend, reset",
    ),
    Setting("RATE_LIMIT_EMOTION", Limit, "120 per minute", "per client address: photo analysis"),
    Setting(
        "RATE_LIMIT_ROOMS",
        Limit,
        "30 per 10 minutes",
        "per client address: new movie-night rooms, joins and non-members' looks (members' "
        "own updates are not counted)",
    ),
    Setting("RATELIMIT_ENABLED", bool, True, "`false` turns every rate limit off"),
    Setting(
        "RATELIMIT_STORAGE_URI",
        Text,
        None,
        "where the limits count (`memory://` is per process; Redis is shared by every "
        "worker and server)",
        secret=True,
        shown="the cache's Redis when `EMOTIONPIX_CACHE_URL` is `redis://…`, else `memory://`",
    ),
    Setting(
        "RATELIMIT_KEY_PREFIX",
        str,
        "emotionpix:limits",
        "the start of every Redis key of the rate limits",
    ),
    Setting(
        "RATELIMIT_STORAGE_TIMEOUT",
        Seconds,
        0.3,
        "seconds per call to a Redis rate-limit store (then sign-in and reset are "
        "refused, the rest counted per process, until it answers)",
    ),
)

# Flask's and its extensions' own settings the app sets (not read from the environment).
FLASK_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a page's CSRF token lasts as long as its session
}


def declared() -> tuple[Setting, ...]:
    """Every setting: the app's own, then each registered movie provider's."""
    return SETTINGS + tuple(provider_settings())


@dataclass(frozen=True)
class Value:
    """A setting's effective value and where it came from."""

    setting: Setting
    value: Any
    source: str  # "default", "environment", "file (.env)" or "caller"

    def shown(self) -> str:
        if self.setting.secret and self.value is not None:
            return "********"
        if self.value is None and self.setting.shown:
            return f"({self.setting.shown})"
        return json.dumps(self.value, ensure_ascii=False)


def read_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Value]:
    """Every declared setting's value, checked; ConfigError naming each bad variable."""
    environ = os.environ if environ is None else environ
    settings = declared()
    texts: dict[str, tuple[str, str]] = {}  # name -> (raw text, source)
    if environ.get(f"{PREFIX}_ENV") == "development" and overrides is None:
        from dotenv import dotenv_values

        for key, raw in dotenv_values(Path.cwd() / ".env").items():
            if key.startswith(f"{PREFIX}_") and raw is not None:
                texts[key.removeprefix(f"{PREFIX}_")] = (raw, "file (.env)")
    for key, raw in environ.items():
        if key.startswith(f"{PREFIX}_"):
            texts[key.removeprefix(f"{PREFIX}_")] = (raw, "environment")
    texts = _renamed(settings, texts, f"{PREFIX}_")
    overrides = _renamed(settings, overrides, "") if overrides else overrides
    _warn_unknown(settings, texts)
    values: dict[str, Value] = {}
    problems: list[str] = []
    for setting in settings:
        try:
            if overrides and setting.name in overrides:
                found = _check_value(setting, overrides[setting.name])
                values[setting.name] = Value(setting, found, "caller")
            elif setting.name in texts:
                raw, source = texts[setting.name]
                values[setting.name] = Value(setting, _parse(setting, raw), source)
            else:
                values[setting.name] = Value(setting, setting.default, "default")
        except ValidationError as exc:
            problems.append(_problem(setting, exc, texts.get(setting.name, ("", ""))[0]))
    if problems:
        raise ConfigError("; ".join(problems))
    return values


def _renamed(settings: Iterable[Setting], found: Mapping[str, T], prefix: str) -> dict[str, T]:
    """``found`` (names without the EMOTIONPIX_ prefix) with deprecated names turned into
    the current ones, each with a warning that names what to write instead."""
    renamed = dict(found)
    for setting in settings:
        for old in setting.old_names:
            if old in renamed:
                message = f"{prefix}{old} is deprecated: use {prefix}{setting.name}"
                warnings.warn(message, DeprecationWarning, stacklevel=4)
                log.warning("%s", message)
                renamed.setdefault(setting.name, renamed.pop(old))
    return renamed


def _warn_unknown(settings: Iterable[Setting], texts: Mapping[str, Any]) -> None:
    known = {s.name for s in settings}
    for name in sorted(set(texts) - known):
        if not name.startswith("TEST_"):  # the test suite's own (EMOTIONPIX_TEST_*)
            log.warning("%s_%s is not a setting of EmotionPix: ignored", PREFIX, name)


def _is_text(kind: Any) -> bool:
    """Whether a setting's value is text as written (never parsed as JSON)."""
    return (
        kind in (str, Text)
        or getattr(kind, "__origin__", None) is Literal
        or (getattr(kind, "__metadata__", None) is not None and kind.__origin__ in (str, Text))
    )


def _parse(setting: Setting, raw: str) -> Any:
    """A value from the environment or .env: text for text settings and secrets, JSON where
    it parses (numbers, lists, objects, null), else the text for pydantic to read (booleans
    such as "off")."""
    if setting.secret or _is_text(setting.type):
        return _check_value(setting, raw)
    try:
        decoded = json.loads(raw)
    except ValueError:
        decoded = raw
    return _check_value(setting, decoded)


def _check_value(setting: Setting, value: Any) -> Any:
    return TypeAdapter(setting.type).validate_python(value)


def _problem(setting: Setting, exc: ValidationError, raw: str) -> str:
    error = exc.errors()[0]
    message = str(error.get("msg", "not allowed")).removeprefix("Value error, ")
    if setting.type is bool:
        message += " (true/false, 1/0, yes/no, on/off)"
    shown = "" if setting.secret else f"={raw or error.get('input')!r}"
    return f"{PREFIX}_{setting.name}{shown}: {message}"


def instance_path(overrides: Mapping[str, Any] | None = None) -> str | None:
    """Where the app keeps its files: ``INSTANCE_PATH`` if given, else Flask's default
    (``<venv>/var/emotionpix-instance`` for an installed package)."""
    path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get(f"{PREFIX}_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from the declared settings (defaults, environment, .env, the
    caller's ``overrides``) and Flask's own; then derive and check what depends on several."""
    app.config.update(FLASK_DEFAULTS)
    values = read_settings(overrides)
    app.config.update({name: found.value for name, found in values.items()})
    declared_names = set(values)
    app.config.update({k: v for k, v in (overrides or {}).items() if k not in declared_names})
    _fill_derived(app)
    _check_together(app.config)
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


def _check_together(config: Mapping[str, Any]) -> None:
    """What no single setting's type can say: settings that need each other."""
    problems = []
    if config["YEAR_FROM"] > config["YEAR_TO"]:
        problems.append(f"{PREFIX}_YEAR_FROM must not be after {PREFIX}_YEAR_TO")
    problems.extend(f"{PREFIX}_{problem}" for problem in provider_problems(config))
    if config["AUTH_BACKEND"] == "supabase" and not (
        config["SUPABASE_URL"] and config["SUPABASE_ANON_KEY"]
    ):
        problems.append(
            f"{PREFIX}_AUTH_BACKEND=supabase needs {PREFIX}_SUPABASE_URL and "
            f"{PREFIX}_SUPABASE_ANON_KEY"
        )
    if config["PASSWORD_HASHING"] == "cheapest" and config["ENV"] != "testing":
        problems.append(
            f"{PREFIX}_PASSWORD_HASHING=cheapest is for the test suite only (ENV=testing)"
        )
    if problems:
        raise ConfigError("; ".join(problems))


def describe(values: Mapping[str, Value]) -> list[tuple[str, str, str]]:
    """(variable, shown value, source) for every setting, secrets masked."""
    return [(f"{PREFIX}_{name}", v.shown(), v.source) for name, v in values.items()]


def markdown_table(settings: Iterable[Setting] | None = None) -> str:
    """The README's table of variables, made from the declarations."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in settings if settings is not None else declared():
        if setting.shown is not None:
            default = setting.shown
        elif setting.default is None:
            default = "none"
        else:
            default = f"`{json.dumps(setting.default, ensure_ascii=False)}`"
        rows.append(f"| `{PREFIX}_{setting.name}` | {default} | {setting.help} |")
    return "\n".join(rows) + "\n"


# This machine's host names: a development server answers to them, and mailed links may
# name them without PUBLIC_URL.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def trusted_hosts(config: Mapping[str, Any]) -> list[str] | None:
    """The Host names the app answers to (Werkzeug checks them): ``TRUSTED_HOSTS``, else
    PUBLIC_URL's host and loopback names, else None (any host: a development server)."""
    if config["TRUSTED_HOSTS"] is not None:
        return list(config["TRUSTED_HOSTS"])
    if config["PUBLIC_URL"]:
        return [str(urlsplit(config["PUBLIC_URL"]).hostname), *LOOPBACK_HOSTS]
    return None
