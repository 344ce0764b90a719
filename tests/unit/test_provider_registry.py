"""The provider registry: each provider's module declares it; the registry finds the
package's own and other distributions', builds what the settings name, and knows each one's
settings, needs, picture origins and genres."""

import json
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from importlib.resources import files

import pytest

from emotionpix.config import SETTINGS
from emotionpix.config import declared as declared_settings
from emotionpix.providers import registry
from emotionpix.providers.base import EnrichingProvider
from emotionpix.providers.catalog import BUNDLED_CATALOG, CatalogProvider, load_catalog
from emotionpix.providers.registry import (
    build_sources,
    get_provider,
    provider_problems,
    provider_settings,
    providers,
    register,
    unregister,
)
from emotionpix.providers.tmdb import TmdbProvider
from emotionpix.recommend.mapping import DEFAULT_GENRES
from tests.standins import tiny_provider

BUILT_IN = ("catalog", "imdb236", "tmdb")


def settings(**given):
    """The app's defaults, with the providers' own settings, and ``given``."""
    return {
        **{s.name: s.default for s in SETTINGS},
        **{s.name: s.default for s in provider_settings()},
        **given,
    }


@pytest.fixture
def contributed(monkeypatch) -> Iterator[None]:
    """The tiny provider as another installed distribution would offer it."""
    entry = EntryPoint("tiny", "tests.standins.tiny_provider:PROVIDER", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(
        registry, "entry_points", lambda group: [entry] if group == entry.group else []
    )
    registry._found.cache_clear()
    yield
    registry._found.cache_clear()


def test_the_package_providers_are_found_in_their_modules():
    assert tuple(providers()) == BUILT_IN
    flags = {n: (s.fallback, s.enrichable, s.enriches) for n, s in providers().items()}
    assert flags == {
        "catalog": (True, True, False),  # offline, stands in; dressed with TMDB's posters
        "imdb236": (False, False, False),
        "tmdb": (False, False, True),
    }


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown movie provider 'netflix' \(known: catalog"):
        get_provider("netflix")


def test_another_distribution_contributes_through_the_entry_point(contributed):
    assert tuple(providers()) == ("catalog", "imdb236", "tiny", "tmdb")
    assert "TINY_POSTERS" in {s.name for s in provider_settings()}


def test_register_adds_a_provider_for_this_process_and_refuses_a_taken_name():
    register(tiny_provider.PROVIDER)
    try:
        assert get_provider("tiny") is tiny_provider.PROVIDER
        with pytest.raises(ValueError, match="registered already"):
            register(tiny_provider.PROVIDER)
        with pytest.raises(ValueError, match="registered already"):
            register(get_provider("tmdb"))
    finally:
        unregister("tiny")
    assert "tiny" not in providers()


def test_every_provider_declares_its_settings_once():
    declared = {s.name: s for s in provider_settings()}
    assert set(declared) == {
        "CATALOG_PATH",
        "TMDB_API_KEY",
        "TMDB_TOKEN",
        "TMDB_BASE_URL",
        "RAPIDAPI_KEY",
        "IMDB236_BASE_URL",
    }
    assert {name for name, s in declared.items() if s.secret} == {
        "TMDB_API_KEY",
        "TMDB_TOKEN",
        "RAPIDAPI_KEY",
    }
    # config.py reads them with its own: each declared once, in one place.
    names = [s.name for s in declared_settings()]
    assert set(declared) <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("given", "problems"),
    [
        ({"PROVIDER": "catalog"}, []),
        ({"PROVIDER": "tmdb", "TMDB_TOKEN": "t"}, []),
        (
            {"PROVIDER": "tmdb"},
            ["PROVIDER tmdb needs EMOTIONPIX_TMDB_API_KEY or EMOTIONPIX_TMDB_TOKEN"],
        ),
        ({"PROVIDER": "imdb236"}, ["PROVIDER imdb236 needs EMOTIONPIX_RAPIDAPI_KEY"]),
        ({"PROVIDER": "kodi"}, ["PROVIDER must be catalog, imdb236 or tmdb, got 'kodi'"]),
    ],
)
def test_the_check_says_what_is_missing(given, problems):
    assert provider_problems(settings(**given)) == problems


def test_a_remote_provider_comes_with_the_catalog_to_stand_in():
    sources = build_sources(settings(PROVIDER="tmdb", TMDB_API_KEY="k"))
    assert isinstance(sources.provider, TmdbProvider)
    assert isinstance(sources.fallback, CatalogProvider)
    assert sources.enrichment is None
    assert sources.image_origins == ("https://image.tmdb.org", "https://api.themoviedb.org")


def test_the_catalog_is_dressed_by_tmdb_when_it_has_a_key():
    assert build_sources(settings()).enrichment is None
    sources = build_sources(settings(TMDB_TOKEN="t", TMDB_BASE_URL="http://127.0.0.1:9/3"))
    assert isinstance(sources.provider, CatalogProvider)
    assert sources.fallback is None
    assert isinstance(sources.enrichment, EnrichingProvider)
    assert sources.image_origins == ("https://image.tmdb.org", "http://127.0.0.1:9")


def test_the_catalog_declares_the_genres_it_has():
    genres = {g for movie in load_catalog(BUNDLED_CATALOG) for g in movie.genres}
    assert set(get_provider("catalog").genres) == genres


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_provider_knows_the_genres_the_mood_rules_name(name):
    moods = json.loads((files("emotionpix.recommend") / "moods.json").read_text())
    named = {*DEFAULT_GENRES.values(), *(rule["genre"] for rule in moods["lift"].values())}
    assert named <= set(get_provider(name).genres)
