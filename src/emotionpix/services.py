"""Build the long-lived services once per app and keep them in ``app.extensions``."""

from __future__ import annotations

from flask import Flask, current_app

from emotionpix.cache import build_cache
from emotionpix.providers import build_provider
from emotionpix.recommend.filters import Filters
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.service import RecommendationService, Settings

KEY = "emotionpix.recommender"


def init_app(app: Flask) -> None:
    """Create the provider, cache and recommendation service from ``app.config``."""
    config = app.config
    provider = build_provider(config)
    engine = app.extensions["emotionpix.db"]
    cache = build_cache(
        config["CACHE_URL"],
        ttl=config["CACHE_TTL"],
        stale_ttl=config["CACHE_STALE_TTL"],
        engine=engine if config["CACHE_URL"] == config["DATABASE_URL"] else None,
    )
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
    )
    app.extensions[KEY] = RecommendationService(
        provider, cache, build_mapping(config["EMOTION_GENRES"]), filters, settings
    )


def recommender(app: Flask | None = None) -> RecommendationService:
    """The app's recommendation service (the current app's by default)."""
    service: RecommendationService = (app or current_app).extensions[KEY]
    return service
