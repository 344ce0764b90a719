"""Movie providers: where films come from. ``build_provider`` picks one from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emotionpix.providers.base import MovieProvider, ProviderError
from emotionpix.providers.catalog import BUNDLED_CATALOG, CatalogProvider

__all__ = ["MovieProvider", "ProviderError", "build_provider"]


def build_provider(config: Mapping[str, Any]) -> MovieProvider:
    """The provider named by ``PROVIDER`` (only the embedded ``catalog`` so far)."""
    name = config["PROVIDER"]
    if name == "catalog":
        return CatalogProvider(Path(config["CATALOG_PATH"] or BUNDLED_CATALOG))
    raise ValueError(f"unknown movie provider {name!r} (known: catalog)")
