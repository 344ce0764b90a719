"""Movie providers: where films come from. ``build_provider`` picks one from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emotionpix.providers.base import EnrichingProvider, MovieProvider, ProviderError
from emotionpix.providers.catalog import BUNDLED_CATALOG, CatalogProvider
from emotionpix.providers.http import HttpSettings
from emotionpix.providers.imdb236 import Imdb236Provider
from emotionpix.providers.registry import (
    MovieSources,
    ProviderSpec,
    build_sources,
    get_provider,
    provider_problems,
    provider_settings,
    providers,
    register,
    unregister,
)
from emotionpix.providers.tmdb import TmdbProvider

__all__ = [
    "EnrichingProvider",
    "MovieProvider",
    "MovieSources",
    "ProviderError",
    "ProviderSpec",
    "build_catalog",
    "build_provider",
    "build_sources",
    "build_tmdb",
    "get_provider",
    "has_tmdb_credentials",
    "provider_problems",
    "provider_settings",
    "providers",
    "register",
    "unregister",
]

PROVIDERS = ("catalog", "tmdb", "imdb236")


def build_catalog(config: Mapping[str, Any]) -> CatalogProvider:
    """The embedded catalog (or the one ``CATALOG_PATH`` names)."""
    return CatalogProvider(Path(config["CATALOG_PATH"] or BUNDLED_CATALOG))


def build_provider(config: Mapping[str, Any]) -> MovieProvider:
    """The provider named by ``PROVIDER``; ValueError for an unknown name or missing key."""
    name = config["PROVIDER"]
    if name == "catalog":
        return build_catalog(config)
    if name == "tmdb":
        return build_tmdb(config)
    if name == "imdb236":
        return Imdb236Provider.connect(
            _http_settings(config, config["IMDB236_BASE_URL"]),
            config["RAPIDAPI_KEY"],
            origin_hints=tuple(config["SPOTLIGHT_COUNTRIES"]),
        )
    raise ValueError(f"unknown movie provider {name!r} (known: {', '.join(PROVIDERS)})")


def has_tmdb_credentials(config: Mapping[str, Any]) -> bool:
    return bool(config["TMDB_API_KEY"] or config["TMDB_TOKEN"])


def build_tmdb(config: Mapping[str, Any]) -> TmdbProvider:
    """TMDB with the configured key or token (as the provider, or to enrich the catalog)."""
    return TmdbProvider.connect(
        _http_settings(config, config["TMDB_BASE_URL"]),
        api_key=config["TMDB_API_KEY"],
        token=config["TMDB_TOKEN"],
        origin_hints=tuple(config["SPOTLIGHT_COUNTRIES"]),
    )


def _http_settings(config: Mapping[str, Any], base_url: str) -> HttpSettings:
    return HttpSettings(
        base_url=base_url,
        connect_timeout=float(config["PROVIDER_CONNECT_TIMEOUT"]),
        read_timeout=float(config["PROVIDER_TIMEOUT"]),
        retries=int(config["PROVIDER_RETRIES"]),
        failures_to_open=int(config["PROVIDER_FAILURES_TO_OPEN"]),
        cooldown=float(config["PROVIDER_COOLDOWN"]),
    )
