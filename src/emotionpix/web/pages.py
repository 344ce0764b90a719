"""Pages for people, and the health check for machines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import Engine

from emotionpix._version import __version__
from emotionpix.auth.session import current_user
from emotionpix.core.errors import AppError, InvalidInput
from emotionpix.core.filters import Choices, Filters
from emotionpix.core.i18n import emotion_name, genre_name, gettext, language_name, ngettext
from emotionpix.core.tones import NOTES, TONE_WORDS, TONES, note_name, tone_name
from emotionpix.db import guard, sqlite_file_present, start_ping
from emotionpix.errors import UriTooLong
from emotionpix.protection import store_health
from emotionpix.recommend import requests
from emotionpix.web.api import seen_by_viewer, viewer_taste
from emotionpix.wiring import database, image_origins, recommender, watch_guide

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.get("/")
def index() -> str:
    """The three ways in (camera, photo, mood) and search; moods and search are rendered on
    the server too, so they work without JavaScript."""
    service = recommender()
    emotion, query = request.args.get("emotion", ""), request.args.get("q", "")
    max_upload = current_app.config["MAX_CONTENT_LENGTH"]
    # The page forgives an odd mode (the API does not): anything but "lift" matches.
    mode = "lift" if request.args.get("mode") == "lift" else "match"
    context: dict[str, Any] = {
        "mapping": service.mapping,
        "selected": emotion,
        "mode": mode,
        "mode_asked": request.args.get("mode") in {"match", "lift"},
        "query": query,
        "votes_label": service.provider.votes_meaning,
        "cast_in_billing_order": service.provider.cast_in_billing_order,
        "max_upload_bytes": max_upload,
        "max_upload_mb": f"{max_upload / 2**20:.0f}",
        "welcome": request.args.get("welcome") == "1",  # just confirmed the account's email
        "watch": watch_guide() is not None,  # where to watch: TMDB configured
        "leave_out": [
            (
                tag,
                gettext(TONES.get(tag) or NOTES[tag]),
                tone_name(tag) if tag in TONE_WORDS else note_name(tag),
            )
            for tag in LEAVE_OUT
        ],
        "filter_note": "",
    }
    try:
        choices = _page_choices()
    except AppError as exc:
        choices = Choices()
        context["mood_error"] = exc.message
    context.update(_filter_context(service.filters, choices))
    try:
        if query.strip():
            found = service.search(query, choices)
            context.update(cards=[(movie, "") for movie in found.movies], source=found.source)
            context.update(drawn_from=found.drawn_from, empty_note=found.not_found)
            context["heading"] = gettext("Results for “%(query)s”", query=query)
        elif emotion:
            result = service.recommend(
                emotion,
                mode=mode,
                exclude=seen_by_viewer(),
                choices=choices,
                # A guest's taste lives in their browser and comes with the page's own API
                # calls: a page address carrying one (a link anyone could send) would put
                # its words in the reasons ("like <title>, which you liked"). Not here.
                taste=viewer_taste() if current_user() is not None else None,
            )
            context["filter_note"] = few_films_note(result.total, choices)
            context["drawn_from"] = result.drawn_from
            context.update(cards=[(p.movie, p.reason) for p in result.picks], source=result.source)
            context["heading"] = mood_heading(result.genre, result.emotion, mode)
    except AppError as exc:
        # Said next to what caused it: the search box, or the mood chips.
        context["search_error" if query.strip() else "mood_error"] = exc.message
    return render_template("index.html", **context)


# The page's decades, and how few films make the grid say so.
DECADES = tuple(range(1940, 2020, 10))
FEW_FILMS = 12


def _page_choices() -> Choices:
    """The filters in the address (the no-JavaScript form's ``language`` boxes, or the
    API's ``languages``); InvalidInput for a bad value."""
    languages = ",".join(request.args.getlist("language")) or request.args.get("languages")
    numbers = {}
    for name in ("from", "to", "max_runtime"):
        raw = request.args.get(name, "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            raise InvalidInput(
                gettext("%(name)s must be a whole number.", name=name), code=f"invalid_{name}"
            )
        numbers[name] = int(raw) if raw else None
    family = request.args.get("family")
    return requests.checked_choices(
        languages, numbers["from"], numbers["to"], numbers["max_runtime"], family
    )


def _filter_context(defaults: Filters, choices: Choices) -> dict[str, Any]:
    """What the filters form shows: the viewer's choices, else the configured defaults."""
    shown = choices.narrow(defaults)
    return {
        "choices": bool(choices),
        "language_options": [
            (code, language_name(name)) for code, name in requests.LANGUAGE_OPTIONS
        ],
        "default_languages": requests.language_codes(defaults.languages),
        "default_from": defaults.year_from,
        "decades": DECADES,
        "shown_languages": requests.language_codes(shown.languages),
        "shown_from": shown.year_from // 10 * 10,
        "shown_to": choices.year_to,
        "shown_runtime": choices.max_runtime,
        "shown_family": choices.family,
        "filters_summary": filters_summary(shown, choices),
    }


def filters_summary(shown: Filters, choices: Choices) -> str:
    """ "Hindi, English · 1970 to now", "Hindi · 1990 to 2014 · up to 120 min · family-safe"."""
    names = [language_name(name) for name in shown.languages]
    parts = [", ".join(names) or gettext("any language")]
    to = gettext("now") if choices.year_to is None else str(choices.year_to)
    parts.append(f"{shown.year_from}\u2013{to}")
    if choices.max_runtime:
        parts.append(gettext("up to %(minutes)s min", minutes=choices.max_runtime))
    if choices.family:
        parts.append(gettext("family-safe"))
    return " · ".join(parts)


def few_films_note(total: int, choices: Choices) -> str:
    """What the grid says when the viewer's filters leave few films ("" otherwise)."""
    if not choices or total >= FEW_FILMS:
        return ""
    if total == 0:
        return gettext("No films pass your filters for this mood. Widen them under “Films”.")
    return ngettext(
        "Only %(num)s film passes your filters for this mood. Widen them under “Films” for more.",
        "Only %(num)s films pass your filters for this mood. Widen them under “Films” for more.",
        total,
    )


@bp.app_context_processor
def credits() -> dict[str, Any]:
    """Who the page credits for its films (the provider; TMDB too when it adds posters)."""
    try:
        return {"credits": recommender().credits()}
    except KeyError:  # an error page rendered before the services exist
        return {"credits": []}


# What the page offers to leave out of the grid (the API takes any tone or content note).
LEAVE_OUT = (
    *("harrowing", "devastating", "bleak", "disturbing", "violent", "gory", "scary"),
    *("sexual-violence", "animal-harm", "suicide", "child-harm"),
)


def mood_heading(genre: str, emotion: str, mode: str = "match") -> str:
    """The heading of a mood's films: "Comedy for a happy mood", "Action for an angry mood",
    "Comedy to lift a sad mood" (English's "an" has msgids of its own; the script's
    heading, static/js/app.js, uses the same ones)."""
    names = {"genre": genre_name(genre), "mood": emotion_name(emotion)}
    if mode == "lift":
        if emotion[:1] in "aeiou":
            return gettext("%(genre)s to lift an %(mood)s mood", **names)
        return gettext("%(genre)s to lift a %(mood)s mood", **names)
    if emotion[:1] in "aeiou":
        return gettext("%(genre)s for an %(mood)s mood", **names)
    return gettext("%(genre)s for a %(mood)s mood", **names)


# Everything the page uses is served from here (no CDN); scripts only from our own files, and
# 'wasm-unsafe-eval' to compile WebAssembly (the on-device reader's ONNX Runtime), not eval.
# Posters come from the movie API's image host (https), or from a plain-http origin a
# provider declares (a local proxy or stand-in configured as its API), added by _image_sources.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"
    " img-src 'self' data: blob: https:{};"
    " media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _image_sources(origins: Iterable[str]) -> str:
    """The plain-http ones of the origins the providers in use declare for their pictures
    (https: is allowed already)."""
    plain = {origin for origin in origins if origin.startswith("http://")}
    return "".join(f" {origin}" for origin in sorted(plain))


MAX_URL_LENGTH = 2048  # far beyond any link of the app; longer is abuse, answered in JSON


@bp.before_app_request
def refuse_overlong_urls() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        raise UriTooLong(
            gettext("The address is too long (at most %(limit)s characters).", limit=MAX_URL_LENGTH)
        )


@bp.after_app_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        policy = CONTENT_SECURITY_POLICY.format(_image_sources(image_origins()))
        response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # Cross-origin isolation, so the on-device reader's worker may share memory with threads
    # of its own (SharedArrayBuffer): no other site's window shares our process, and what is
    # embedded from other origins (posters, logos) is fetched without cookies, which is how
    # the page fetches them anyway. Every response carries it: a worker's own script must too.
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Embedder-Policy", "credentialless")
    return response


# /healthz waits this long for the database (the rest is looked at meanwhile).
DATABASE_DEADLINE = 0.4  # the request may first wait for a thread: 1 s in all
# What a part says when it is well (anything else makes the status "degraded").
WELL = {"ok", "off", "memory (each process counts its own)"}


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Readiness, within a second whatever hangs: the database answers (and, for SQLite, its
    file is still where it was made); 503 only when it does not. The provider, the cache and
    the rate-limit store are reported too: while one of them is down the status is
    "degraded" with 200, since answers keep coming (from the catalog, uncached, counted
    per process)."""
    service = recommender()
    engine = database()
    # The database is asked on a thread of its own while the rest is looked at.
    database_answer = _database_check(engine)
    checks = {
        "provider": _provider_state(service.provider),
        "rate_limit_store": store_health(),
    }
    if not service.cache_available():
        checks["cache"] = "bypassed: its store failed; answers come uncached"
    checks["database"] = database_answer() or "ok"
    well = WELL | {service.provider.name}
    return {
        "status": "ok" if all(state in well for state in checks.values()) else "degraded",
        "version": __version__,
        "checks": dict(sorted(checks.items())),
    }, 200 if checks["database"] == "ok" else 503


def _database_check(engine: Engine) -> Callable[[], str | None]:
    """How the database is, to be read when the other checks are done: None when it
    answers within ``DATABASE_DEADLINE``, else why not."""
    if not sqlite_file_present(engine):
        return lambda: "error: the database file is missing"
    deadlines = guard(engine)
    if deadlines is not None and deadlines.breaker.state == "open":
        # Left alone after a missed deadline: say so at once (asking would wait for it, and
        # would spend the one trial call the guard lets through to see if it is back).
        reason = str(deadlines.skipped())
        return lambda: reason
    return start_ping(engine, DATABASE_DEADLINE)


def _provider_state(provider: Any) -> str:
    """The provider's name while it answers; while its circuit is open, what stands in (the
    HTTP client's own record: nothing is asked)."""
    circuit = provider.stats().get("circuit", "closed")
    if circuit == "closed":
        return str(provider.name)
    return (
        f"{provider.name}: failing (circuit {circuit}); films come from the cache and the "
        "embedded catalog"
    )
