"""The features a taste is learned over, read from a film's record (``Movie.to_dict()``: the
shape the pools keep): ``tone:funny``, ``genre:animation``, ``decade:1990``,
``language:english``, ``country:japan``, ``person:hayao miyazaki``, ``length:long``."""

from __future__ import annotations

from collections.abc import Mapping
from math import sqrt
from typing import Any

# How much each group counts in a film's taste score (a tone or a genre says more about
# whether a film suits a viewer than the country it was made in).
GROUP_WEIGHTS: dict[str, float] = {
    "tone": 1.0,
    "genre": 1.0,
    "decade": 0.5,
    "language": 0.6,
    "country": 0.3,
    "person": 0.7,
    "length": 0.4,
}
GROUPS = tuple(GROUP_WEIGHTS)
TONES_READ = 5  # a profile's most characteristic tones
PEOPLE_READ = 3  # the director and the first cast members
LONG, SHORT = 140, 95  # minutes
# The tones a "too dark" tells against.
DARK = frozenset(
    {
        "dark",
        "bleak",
        "harrowing",
        "devastating",
        "violent",
        "disturbing",
        "gory",
        "scary",
        "gritty",
    }
)
_MEMO: dict[tuple[str, str], tuple[str, ...]] = {}
MEMO_SIZE = 50_000


def features(movie: Mapping[str, Any]) -> tuple[str, ...]:
    """The film's features, each ``group:value`` (lower case), remembered by id and title
    (the same film asked for on every request)."""
    key = (str(movie.get("id")), str(movie.get("title")))
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        found = _MEMO[key] = _read(movie)
    return found


def _read(movie: Mapping[str, Any]) -> tuple[str, ...]:
    found = [f"tone:{t}" for t in (movie.get("tones") or ())[:TONES_READ]]
    found += [f"genre:{g.casefold()}" for g in movie.get("genres") or ()]
    year = movie.get("year")
    if isinstance(year, int):
        found.append(f"decade:{year // 10 * 10}")
    found += [f"language:{x.casefold()}" for x in (movie.get("languages") or ())[:1]]
    found += [f"country:{x.casefold()}" for x in (movie.get("countries") or ())[:2]]
    people = [movie.get("director"), *(movie.get("cast") or ())[: PEOPLE_READ - 1]]
    found += [f"person:{p.casefold()}" for p in people if isinstance(p, str) and p]
    runtime = movie.get("runtime")
    if isinstance(runtime, int) and runtime > 0:
        length = "long" if runtime >= LONG else "short" if runtime <= SHORT else "medium"
        found.append(f"length:{length}")
    return tuple(dict.fromkeys(found))


_GROUPED: dict[tuple[str, ...], tuple[tuple[str, float], ...]] = {}


def grouped(own: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """A film's features, each with its factor: its group's weight over the square root of
    how many features the film has in that group (so a film with many genres is not
    favoured for having many). Remembered: every request scores the same films."""
    found = _GROUPED.get(own)
    if found is None:
        sizes: dict[str, int] = {}
        for feature in own:
            sizes[group(feature)] = sizes.get(group(feature), 0) + 1
        found = tuple((f, GROUP_WEIGHTS[group(f)] / sqrt(sizes[group(f)])) for f in own)
        if len(_GROUPED) >= MEMO_SIZE:
            _GROUPED.clear()
        _GROUPED[own] = found
    return found


def group(feature: str) -> str:
    """The group of a feature (``tone`` for ``tone:funny``)."""
    return feature.partition(":")[0]


def described(feature: str) -> str:
    """A feature as a person reads it: "funny", "Animation", "the 1990s", "English"."""
    kind, _, value = feature.partition(":")
    if kind == "decade":
        return f"the {value}s"
    if kind in ("genre", "language", "country", "person"):
        return value.title()
    if kind == "length":
        return f"{value} films"
    return value
