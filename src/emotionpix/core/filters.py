"""The paper's quality filters, as one value object a provider can apply or translate."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from emotionpix.core.movies import Movie


@dataclass(frozen=True)
class WatchFilter:
    """Only films offered in ``region`` (ISO 3166-1) on one of ``services`` (the watch
    source's ids) as one of ``kinds`` ("stream", "free", "ads", "rent", "buy")."""

    region: str
    services: tuple[int, ...]
    kinds: tuple[str, ...] = ("stream",)


@dataclass(frozen=True)
class Filters:
    """Which films qualify. Empty ``languages``/``countries`` mean "any"."""

    min_rating: float = 7.0
    min_votes: int = 1000
    year_from: int = 1970
    year_to: int = 2026
    languages: tuple[str, ...] = ("Hindi", "English")
    countries: tuple[str, ...] = ()
    # Where the films must be available: a provider that knows (TMDB) applies it in
    # ``discover``; the others ignore it, and availability is checked afterwards.
    watch: WatchFilter | None = None

    def matches(self, movie: Movie) -> bool:
        """Whether ``movie`` passes every filter (unknown rating or year never passes)."""
        if movie.rating is None or movie.rating < self.min_rating:
            return False
        if movie.votes < self.min_votes:
            return False
        if movie.year is None or not self.year_from <= movie.year <= self.year_to:
            return False
        return _overlaps(self.languages, movie.languages) and _overlaps(
            self.countries, movie.countries
        )

    def matches_languages(self, movie: Movie) -> bool:
        """Whether ``movie`` is in one of ``languages`` (any, when none are given)."""
        return _overlaps(self.languages, movie.languages)

    def key(self) -> str:
        """A stable text form, part of cache keys."""
        fields = asdict(self)
        if self.watch is None:  # keys from before availability filters, unchanged
            del fields["watch"]
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


# Certificates a family can watch together (the MPAA's, which the catalog's source gives):
# G, PG and its 1970-72 name GP.
FAMILY_CERTIFICATES = frozenset({"G", "PG", "GP"})
# Without a certificate a film counts as family-safe only by its genres.
FAMILY_GENRES = frozenset({"family", "animation"})
UNSAFE_GENRES = frozenset({"horror", "crime", "thriller", "war"})
# Other names sources give the same language ("Bengali" is "Bangla" in Wikidata).
LANGUAGE_SYNONYMS = {
    "bengali": ("bangla",),
    "chinese": ("mandarin", "standard chinese", "putonghua"),
    "cantonese": ("yue chinese",),
    "english": ("american english", "british english"),
    "persian": ("dari",),
}


@dataclass(frozen=True)
class Choices:
    """What a viewer narrows the films to, on top of (or instead of) the paper's fixed
    filters: ``languages`` (names, any of them; empty keeps the configured ones), a year
    range, a maximum runtime in minutes (films of unknown length go) and ``family``: only
    films certified G/PG where the certificate is known, else films of the Family or
    Animation genres with no Horror, Crime, Thriller or War."""

    languages: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    max_runtime: int | None = None
    family: bool = False

    def __bool__(self) -> bool:
        return self != Choices()

    def narrow(self, filters: Filters) -> Filters:
        """``filters`` with the viewer's languages and years in place of the configured."""
        return replace(
            filters,
            languages=self.languages or filters.languages,
            year_from=filters.year_from if self.year_from is None else self.year_from,
            year_to=filters.year_to if self.year_to is None else self.year_to,
        )

    def keeps(self, movie: Movie) -> bool:
        """Whether ``movie`` passes the runtime and family choices (the rest is ``narrow``'s,
        applied where the films are found)."""
        if self.max_runtime is not None and (movie.runtime or 0) > self.max_runtime:
            return False
        if self.max_runtime is not None and not movie.runtime:
            return False
        return not self.family or family_safe(movie)

    def key(self) -> str:
        """A stable text form, part of cache keys."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def family_safe(movie: Movie) -> bool:
    """A film for all ages: by its certificate where known, else by its genres."""
    if movie.certificate:
        return movie.certificate.upper() in FAMILY_CERTIFICATES
    genres = {genre.casefold() for genre in movie.genres}
    return bool(genres & FAMILY_GENRES) and not genres & UNSAFE_GENRES


def _overlaps(wanted: tuple[str, ...], have: tuple[str, ...]) -> bool:
    if not wanted:
        return True
    wanted_lower = {name.casefold() for name in wanted}
    for name in list(wanted_lower):
        wanted_lower.update(LANGUAGE_SYNONYMS.get(name, ()))
    return any(name.casefold() in wanted_lower for name in have)
