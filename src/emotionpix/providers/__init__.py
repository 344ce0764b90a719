"""Movie providers: where films come from. Each is one module declaring its ``PROVIDER``;
``registry.py`` finds them and builds the one the settings name."""

from __future__ import annotations

from emotionpix.providers.base import EnrichingProvider, MovieProvider, ProviderError
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

__all__ = [
    "EnrichingProvider",
    "MovieProvider",
    "MovieSources",
    "ProviderError",
    "ProviderSpec",
    "build_sources",
    "get_provider",
    "provider_problems",
    "provider_settings",
    "providers",
    "register",
    "unregister",
]
