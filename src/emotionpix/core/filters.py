"""The paper's quality filters, as one value object a provider can apply or translate."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

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

    def key(self) -> str:
        """A stable text form, part of cache keys."""
        fields = asdict(self)
        if self.watch is None:  # keys from before availability filters, unchanged
            del fields["watch"]
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def _overlaps(wanted: tuple[str, ...], have: tuple[str, ...]) -> bool:
    if not wanted:
        return True
    wanted_lower = {name.casefold() for name in wanted}
    return any(name.casefold() in wanted_lower for name in have)
