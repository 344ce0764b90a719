"""The app's long-lived parts, built once per app from its settings and kept in
``app.extensions``: the database engine, the recommender (provider, cache, mood rules) and
the emotion engine's settings; ``database()``, ``recommender()``, ``emotion_engine()`` and
``image_origins()`` hand them to the web layer. This is the only module that puts the parts
together: below it nothing knows Flask (``tests/unit/test_architecture.py``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine

from emotionpix.cache import build_cache
from emotionpix.config import ConfigError
from emotionpix.core.filters import Filters
from emotionpix.db import guard, make_engine
from emotionpix.emotion import EmotionEngine, FaceDetector
from emotionpix.emotion.registry import DEFAULT_MODEL, get_model
from emotionpix.providers import build_sources
from emotionpix.providers.base import WatchSource
from emotionpix.recommend.enrich import Enricher
from emotionpix.recommend.film_ids import FilmIds
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import MODES, Moods, build_moods
from emotionpix.recommend.recommender import Recommender, Settings
from emotionpix.recommend.tones import ToneBook
from emotionpix.recommend.watch import WatchGuide

DATABASE_KEY = "emotionpix.db"
RECOMMENDER_KEY = "emotionpix.recommender"
EMOTION_SETTINGS_KEY = "emotionpix.emotion_settings"  # the engine is made per process
IMAGE_ORIGINS_KEY = "emotionpix.image_origins"
WATCH_KEY = "emotionpix.watch"


def init_database(app: Flask) -> None:
    """Create the engine once (``migrations.init_app`` then brings its tables up to date).
    From the first request on, a PostgreSQL database's statements get their deadline
    (``DATABASE_TIMEOUT``)."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        timeout=app.config["DATABASE_TIMEOUT"],
        cooldown=app.config["DATABASE_COOLDOWN"],
    )
    app.extensions[DATABASE_KEY] = engine
    deadlines = guard(engine)
    if deadlines is not None:

        @app.before_request
        def _serving() -> None:
            deadlines.serving = True


def database(app: Flask | None = None) -> Engine:
    """The app's database engine (the current app's by default)."""
    engine: Engine = (app or current_app).extensions[DATABASE_KEY]
    return engine


def init_app(app: Flask) -> None:
    """Create the provider, cache, recommender and emotion engine settings."""
    config = app.config
    # The configured provider; a remote one that fails is stood in for by the embedded
    # catalog, and the catalog gains TMDB's posters and plots when TMDB is configured.
    try:
        sources = build_sources(config)
    except ValueError as exc:
        raise ConfigError(f"EMOTIONPIX_PROVIDER: {exc}") from None
    provider = sources.provider
    try:
        cache = build_cache(
            config["CACHE_URL"],
            ttl=config["CACHE_TTL"],
            stale_ttl=config["CACHE_STALE_TTL"],
            max_entries=config["CACHE_MAX_ENTRIES"],
            timeout=config["CACHE_TIMEOUT"],
            cooldown=config["CACHE_COOLDOWN"],
            engine=database(app) if config["CACHE_URL"] == config["DATABASE_URL"] else None,
            prefix=config["CACHE_KEY_PREFIX"],
        )
    except ValueError as exc:  # e.g. redis:// without the redis package
        raise ConfigError(f"EMOTIONPIX_CACHE_URL: {exc}") from None
    min_votes = config["MIN_VOTES"]
    filters = Filters(
        min_rating=float(config["MIN_RATING"]),
        min_votes=provider.default_min_votes if min_votes is None else min_votes,
        year_from=config["YEAR_FROM"],
        year_to=config["YEAR_TO"],
        languages=tuple(config["LANGUAGES"]),
        countries=tuple(config["COUNTRIES"]),
    )
    settings = Settings(
        page_size=config["PAGE_SIZE"],
        max_candidates=config["MAX_CANDIDATES"],
        rotation_pages=config["ROTATION_PAGES"],
        spotlight_countries=tuple(config["SPOTLIGHT_COUNTRIES"]),
        spotlight_every=config["SPOTLIGHT_EVERY"],
        search_limit=config["SEARCH_LIMIT"],
        blend_margin=float(config["BLEND_MARGIN"]),
    )
    mapping, moods = _mood_tables(config["EMOTION_GENRES"], config["MOOD_FIT"])
    _check_genres(moods, sources.genres, config["PROVIDER"])
    try:
        provider.check_filters(filters)
    except ValueError as exc:
        raise ConfigError(
            f"EMOTIONPIX_LANGUAGES / _COUNTRIES / _SPOTLIGHT_COUNTRIES: {exc}"
        ) from None
    enricher = ids = None
    if sources.enrichment is not None:
        # The TMDB ids the posters' lookups find serve where-to-watch too (never looked up twice).
        ids = FilmIds(cache, sources.enrichment.name)
        enricher = Enricher(
            sources.enrichment,
            cache,
            ttl=config["ENRICH_TTL"],
            wait=config["ENRICH_WAIT"],
            ids=ids,
        )
    sources.warm_up()
    app.extensions[RECOMMENDER_KEY] = Recommender(
        provider,
        cache,
        mapping,
        filters,
        settings,
        moods,
        fallback=sources.fallback,
        enricher=enricher,
        book=ToneBook.bundled(),
    )
    app.extensions[IMAGE_ORIGINS_KEY] = sources.image_origins
    # Where to watch: from the provider when it knows (TMDB), else from the enrichment
    # (TMDB dressing the catalog, films found by IMDb id); none without either.
    own, enriching = _watching(provider), _watching(sources.enrichment)
    if own is not None:
        app.extensions[WATCH_KEY] = WatchGuide(own, cache)
    elif enriching is not None:
        app.extensions[WATCH_KEY] = WatchGuide(enriching, cache, via_imdb=True, ids=ids)
    try:
        model = get_model(config["EMOTION_MODEL"] or DEFAULT_MODEL)
    except ValueError as exc:
        raise ConfigError(f"EMOTIONPIX_EMOTION_MODEL: {exc}") from None
    # Loaded on first use, in the process that uses it: a server's parent process (which
    # checks the configuration before forking workers) must hold no ONNX sessions, whose
    # thread pools do not survive a fork.
    app.extensions[EMOTION_SETTINGS_KEY] = (
        model.name,
        config["FACE_THRESHOLD"],
        config["ONNX_THREADS"],
        config["MAX_IMAGE_PIXELS"],
    )


def _check_genres(moods: Moods, genres: tuple[str, ...], provider: str) -> None:
    """A ConfigError when a mood rule asks the provider for a genre it does not have (each
    provider has its own genre names: TMDB has "Music" and "Science Fiction"); providers that
    declare no genre list are not checked."""
    if not genres:
        return
    known = {genre.casefold() for genre in genres}
    for mode in MODES:
        for emotion, rule in moods.rules(mode).items():
            if rule.genre.casefold() not in known:
                variable = "EMOTIONPIX_EMOTION_GENRES" if mode == "match" else "EMOTIONPIX_MOOD_FIT"
                raise ConfigError(
                    f"{variable}: the {mode} rule for {emotion} asks for the genre "
                    f"{rule.genre!r}, which provider {provider} does not have; its genres are "
                    f"{', '.join(sorted(genres))}"
                )


def _watching(source: object) -> WatchSource | None:
    """The source as a WatchSource, if it is one (TMDB is)."""
    return source if isinstance(source, WatchSource) else None


def _mood_tables(genres: dict[str, Any], fit: dict[str, Any]) -> tuple[dict[str, str], Moods]:
    """The emotion -> genre table and the mood rules, or a ConfigError naming the variable."""
    try:
        mapping = build_mapping(genres)
    except ValueError as exc:
        raise ConfigError(f"EMOTIONPIX_EMOTION_GENRES: {exc}") from None
    try:
        return mapping, build_moods(mapping, fit)
    except ValueError as exc:
        raise ConfigError(f"EMOTIONPIX_MOOD_FIT: {exc}") from None


@lru_cache(maxsize=4)
def _emotion_engine(model: str, threshold: float, threads: int, max_pixels: int) -> EmotionEngine:
    """One engine per distinct configuration and process: loading the ONNX sessions takes
    ~0.25 s, and the engine holds no per-app state."""
    detector = FaceDetector(threshold=threshold, threads=threads)
    return EmotionEngine(model, detector, threads=threads, max_pixels=max_pixels)


def emotion_engine(app: Flask | None = None) -> EmotionEngine:
    """The app's emotion engine (detector + classifier), loaded once per process on first
    use (servers load it as each worker starts)."""
    model, threshold, threads, max_pixels = (app or current_app).extensions[EMOTION_SETTINGS_KEY]
    return _emotion_engine(model, threshold, threads, max_pixels)


def image_origins(app: Flask | None = None) -> tuple[str, ...]:
    """Where the pictures of the app's films come from (its provider's and its enricher's
    origins), for the page's Content-Security-Policy; none before the services exist."""
    origins: tuple[str, ...] = (app or current_app).extensions.get(IMAGE_ORIGINS_KEY, ())
    return origins


def watch_guide(app: Flask | None = None) -> WatchGuide | None:
    """Where to watch the app's films (None: no source of availability is configured)."""
    guide: WatchGuide | None = (app or current_app).extensions.get(WATCH_KEY)
    return guide


def recommender(app: Flask | None = None) -> Recommender:
    """The app's recommender (the current app's by default)."""
    found: Recommender = (app or current_app).extensions[RECOMMENDER_KEY]
    return found
