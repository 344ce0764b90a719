"""Language and country names as the app speaks them ("Hindi", "India") and the ISO codes
the movie APIs take and give ("hi", "IN"). Only the languages and countries of the film
industries the app is likely to be configured for; an unknown name is a configuration error,
never a silent "any"."""

from __future__ import annotations

from collections.abc import Iterable

from emotionpix.core.filters import Filters
from emotionpix.providers.http import Params

# ISO 639-1
LANGUAGES: dict[str, str] = {
    "Arabic": "ar",
    "Bengali": "bn",
    "Cantonese": "cn",  # TMDB's code for Cantonese films
    "Chinese": "zh",
    "Danish": "da",
    "Dutch": "nl",
    "English": "en",
    "French": "fr",
    "German": "de",
    "Gujarati": "gu",
    "Hindi": "hi",
    "Italian": "it",
    "Japanese": "ja",
    "Kannada": "kn",
    "Korean": "ko",
    "Malayalam": "ml",
    "Marathi": "mr",
    "Persian": "fa",
    "Portuguese": "pt",
    "Punjabi": "pa",
    "Russian": "ru",
    "Spanish": "es",
    "Swedish": "sv",
    "Tamil": "ta",
    "Telugu": "te",
    "Turkish": "tr",
    "Urdu": "ur",
}

# ISO 3166-1 alpha-2
COUNTRIES: dict[str, str] = {
    "Australia": "AU",
    "Bangladesh": "BD",
    "Brazil": "BR",
    "Canada": "CA",
    "China": "CN",
    "France": "FR",
    "Germany": "DE",
    "Hong Kong": "HK",
    "India": "IN",
    "Iran": "IR",
    "Ireland": "IE",
    "Italy": "IT",
    "Japan": "JP",
    "Mexico": "MX",
    "New Zealand": "NZ",
    "Nepal": "NP",
    "Pakistan": "PK",
    "South Korea": "KR",
    "Spain": "ES",
    "Sri Lanka": "LK",
    "Sweden": "SE",
    "United Kingdom": "GB",
    "United States": "US",
}

_LANGUAGE_NAMES = {code: name for name, code in LANGUAGES.items()}
_COUNTRY_NAMES = {code: name for name, code in COUNTRIES.items()}
# Other spellings APIs use for the same countries.
_COUNTRY_NAMES |= {"UK": "United Kingdom", "USA": "United States"}


def language_code(name: str) -> str:
    """ "Hindi" -> "hi" (a code is accepted as it is); ValueError for an unknown language."""
    return _code(name, LANGUAGES, "language")


def country_code(name: str) -> str:
    """ "India" -> "IN" (a code is accepted as it is); ValueError for an unknown country."""
    return _code(name, COUNTRIES, "country")


def check_codes(languages: Iterable[str], countries: Iterable[str]) -> None:
    """ValueError naming the first language or country an API could not be asked for."""
    for language in languages:
        language_code(language)
    for country in countries:
        country_code(country)


def language_name(code: str) -> str:
    """ "hi" -> "Hindi"; an unknown code is returned as it is (never dropped)."""
    return _LANGUAGE_NAMES.get(code.strip().lower(), code)


def country_name(code: str) -> str:
    """ "IN" -> "India"; an unknown code is returned as it is (never dropped)."""
    return _COUNTRY_NAMES.get(code.strip().upper(), code)


def _code(name: str, codes: dict[str, str], kind: str) -> str:
    wanted = name.strip().casefold()
    for known, code in codes.items():
        if wanted in (known.casefold(), code.casefold()):
            return code
    raise ValueError(f"unknown {kind} {name!r} (known: {', '.join(codes)})")


def query_variants(
    base: Params,
    filters: Filters,
    origin_hints: Iterable[str],
    language_key: str,
    country_key: str,
) -> list[tuple[Params, str | None]]:
    """The queries that ask an API for ``filters``' languages and countries, each with the
    origin country it asks for (a name; None for any). One query per language (no API here
    documents an "or" of languages), each once per configured origin country or, without
    any, once as it is and once more per hinted country, so that films from there can be
    tagged with their origin (lists seldom say where a film is from)."""
    countries: tuple[str | None, ...] = filters.countries or (None, *origin_hints)
    variants: list[tuple[Params, str | None]] = []
    for language in filters.languages or (None,):
        query = {**base, language_key: language_code(language)} if language else base
        for country in countries:
            code = None if country is None else country_code(country)
            variants.append(
                (query, None)
                if code is None
                else ({**query, country_key: code}, country_name(code))
            )
    return variants
