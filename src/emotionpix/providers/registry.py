"""Movie providers by name. Each provider declares itself in its own module, at module level
(``PROVIDER = ProviderSpec(...)``): how it is built from the app's settings, the settings it
needs (declared there, once), where its pictures come from, the genre names it knows. The
registry finds this package's providers by walking the package, and other distributions'
through the ``emotionpix.providers`` entry-point group (a ``ProviderSpec`` each, as in
``mypackage.films:PROVIDER``); tests add theirs with ``register``. Adding a provider is one
file (docs/architecture.md, "Adding a provider").
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any
from urllib.parse import urlsplit

from emotionpix.core.settings import Setting
from emotionpix.providers.base import EnrichingProvider, MovieProvider

ENTRY_POINT_GROUP = "emotionpix.providers"
ENV_PREFIX = "EMOTIONPIX_"

Config = Mapping[str, Any]


def no_images(config: Config) -> tuple[str, ...]:
    """For a provider whose films have no pictures."""
    return ()


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what a Content-Security-Policy names."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class ProviderSpec:
    """One movie provider as the app chooses, configures and shows it.

    ``build`` makes the provider from the app's settings: its own ``settings`` and the
    ``PROVIDER_*`` ones every remote provider shares. ``needs`` lists groups of settings of
    which at least one must be set (TMDB: its key or its token). ``images`` gives the origins
    its posters and logos come from, which the page's Content-Security-Policy allows; they
    may depend on the settings (a proxy or a stand-in in place of the API). ``genres`` are
    the genre names ``discover`` understands, as the mood rules may spell them.

    ``enriches``: it can dress another provider's films by their IMDb ids (it is an
    ``EnrichingProvider``); ``enrichable``: its films lack posters and plots, and gain them
    when an enriching provider is configured; ``fallback``: it answers from memory and
    stands in while another provider fails (one provider, the embedded catalog, says so).
    """

    name: str
    build: Callable[[Config], MovieProvider]
    settings: tuple[Setting, ...] = ()
    needs: tuple[tuple[str, ...], ...] = ()
    images: Callable[[Config], Iterable[str]] = no_images
    genres: tuple[str, ...] = ()
    enriches: bool = False
    enrichable: bool = False
    fallback: bool = False

    def missing(self, config: Config) -> str | None:
        """The settings this provider still needs, in words ("EMOTIONPIX_RAPIDAPI_KEY");
        None when it has what it needs."""
        for group in self.needs:
            if not any(config.get(name) for name in group):
                return " or ".join(f"{ENV_PREFIX}{name}" for name in group)
        return None


_registered: dict[str, ProviderSpec] = {}


@lru_cache(maxsize=1)
def _found() -> dict[str, ProviderSpec]:
    """This package's providers (each module's ``PROVIDER``), then other distributions'."""
    package = importlib.import_module(__name__.rpartition(".")[0])
    found: dict[str, ProviderSpec] = {}
    for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        spec = getattr(importlib.import_module(module.name), "PROVIDER", None)
        if isinstance(spec, ProviderSpec):
            found[spec.name] = spec
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        spec = entry.load()
        if not isinstance(spec, ProviderSpec):
            raise TypeError(f"entry point {entry.value} ({ENTRY_POINT_GROUP}) is no ProviderSpec")
        found.setdefault(spec.name, spec)  # a contributed provider never replaces ours
    return found


def providers() -> dict[str, ProviderSpec]:
    """Every provider that can be chosen, by name, in alphabetical order."""
    return dict(sorted({**_found(), **_registered}.items()))


def register(spec: ProviderSpec) -> None:
    """Make a provider choosable in this process (tests; distributions use the entry point)."""
    if spec.name in providers():
        raise ValueError(f"a movie provider named {spec.name!r} is registered already")
    _registered[spec.name] = spec


def unregister(name: str) -> None:
    """Forget a provider ``register`` added."""
    _registered.pop(name, None)


def get_provider(name: str) -> ProviderSpec:
    """The provider registered as ``name``; ValueError listing the known names otherwise."""
    known = providers()
    try:
        return known[name]
    except KeyError:
        raise ValueError(f"unknown movie provider {name!r} (known: {', '.join(known)})") from None


def provider_settings() -> tuple[Setting, ...]:
    """The settings the providers declare, each once: the app's declared settings include
    them (config.py), so a provider's own file is the one place they are written."""
    declared: dict[str, Setting] = {}
    for spec in providers().values():
        for setting in spec.settings:
            declared.setdefault(setting.name, setting)
    return tuple(declared.values())


def provider_problems(config: Config) -> list[str]:
    """What is wrong with the configured provider, as config.py reports problems: an unknown
    name, or a setting it needs and lacks."""
    known, name = providers(), config.get("PROVIDER")
    if name not in known:
        *others, last = known
        either = f"{', '.join(others)} or {last}" if others else last
        return [f"PROVIDER must be {either}, got {name!r}"]
    missing = known[name].missing(config)
    return [f"PROVIDER {name} needs {missing}"] if missing else []


@dataclass(frozen=True)
class MovieSources:
    """The configured provider and its company: the provider that stands in while it fails
    (None when it is that provider), the one that dresses its films (None: no enriching
    provider is configured, or its films need none), and the origins of every picture the
    page may show."""

    provider: MovieProvider
    fallback: MovieProvider | None
    enrichment: EnrichingProvider | None
    image_origins: tuple[str, ...]
    genres: tuple[str, ...] = ()  # the genres the provider's discover understands (spec.genres)

    def warm_up(self) -> None:
        """Let the remote sources fetch what their first answers need, in the background."""
        self.provider.warm_up()
        if self.enrichment is not None:
            self.enrichment.warm_up()


def build_sources(config: Config) -> MovieSources:
    """The providers ``PROVIDER`` calls for, built from the settings. ValueError for an
    unknown name or a missing setting."""
    spec = get_provider(config["PROVIDER"])
    missing = spec.missing(config)
    if missing:
        raise ValueError(f"{spec.name} needs {missing}")
    provider = spec.build(config)
    fallback = None
    if not spec.fallback:
        fallback = next((s.build(config) for s in providers().values() if s.fallback), None)
    enriching = _enriching(config) if spec.enrichable else None
    enrichment: EnrichingProvider | None = None
    if enriching is not None:
        built = enriching.build(config)
        if not isinstance(built, EnrichingProvider):
            raise TypeError(f"provider {enriching.name!r} enriches, but is no EnrichingProvider")
        enrichment = built
    origins = [*spec.images(config), *(enriching.images(config) if enriching else ())]
    return MovieSources(
        provider, fallback, enrichment, tuple(dict.fromkeys(origins)), tuple(spec.genres)
    )


def _enriching(config: Config) -> ProviderSpec | None:
    """The first provider that enriches and has the settings it needs (TMDB with a key)."""
    return next((s for s in providers().values() if s.enriches and s.missing(config) is None), None)
