"""The features a taste is learned over, read from a film's record (``Movie.to_dict()``: the
shape the pools keep): ``tone:funny``, ``genre:animation``, ``decade:1990``,
``language:english``, ``country:japan``, ``person:hayao miyazaki``, ``length:long``; and
two coarser ones that let a few signals reach many films: the film's *feel* (groups of
tones: ``feel:light``, ``feel:heavy``, ``feel:tense``, ``feel:thoughtful`` — what a mood's
"cheer me up" or "let me wallow" is about) and its *era* (``era:1990``: twenty-year spans)."""

from __future__ import annotations

from collections.abc import Mapping
from math import sqrt
from typing import Any

# How much each group counts in a film's taste score (a tone or a genre says more about
# whether a film suits a viewer than the country it was made in).
GROUP_WEIGHTS: dict[str, float] = {
    "feel": 1.0,
    "tone": 1.0,
    "genre": 1.0,
    "decade": 0.5,
    "era": 0.4,
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
# Tone groups: how a film feels, coarsely.
FEELS: dict[str, frozenset[str]] = {
    "light": frozenset(
        {"feel-good", "uplifting", "funny", "heartwarming", "comforting", "inspiring", "whimsical"}
    ),
    "heavy": frozenset(
        {"devastating", "harrowing", "bleak", "melancholic", "moving", "dark", "disturbing"}
    ),
    "tense": frozenset({"tense", "scary", "violent", "gory", "exciting"}),
    "thoughtful": frozenset(
        {"thought-provoking", "absorbing", "mind-bending", "slow-burn", "intimate"}
    ),
}
ERA = 20  # years an era spans
_MEMO: dict[tuple[Any, ...], tuple[str, ...]] = {}
MEMO_SIZE = 50_000


def _key(movie: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a film is remembered by: its id and title, and its tones (a profile that
    changes under the same id is then read afresh, not the old one's features)."""
    return movie.get("id"), movie.get("title"), tuple(movie.get("tones") or ())


def features(movie: Mapping[str, Any]) -> tuple[str, ...]:
    """The film's features, each ``group:value`` (lower case), remembered (``_key``: the
    same film is asked for on every request)."""
    key = _key(movie)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        found = _MEMO[key] = _read(movie)
    return found


def _read(movie: Mapping[str, Any]) -> tuple[str, ...]:
    tones = (movie.get("tones") or ())[:TONES_READ]
    found = [f"tone:{t}" for t in tones]
    found += [f"feel:{name}" for name, members in FEELS.items() if members.intersection(tones)]
    found += [f"genre:{g.casefold()}" for g in movie.get("genres") or ()]
    year = movie.get("year")
    if isinstance(year, int):
        found.append(f"decade:{year // 10 * 10}")
        found.append(f"era:{year // ERA * ERA}")
    found += [f"language:{x.casefold()}" for x in (movie.get("languages") or ())[:1]]
    found += [f"country:{x.casefold()}" for x in (movie.get("countries") or ())[:2]]
    people = [movie.get("director"), *(movie.get("cast") or ())[: PEOPLE_READ - 1]]
    found += [f"person:{p.casefold()}" for p in people if isinstance(p, str) and p]
    runtime = movie.get("runtime")
    if isinstance(runtime, int) and runtime > 0:
        length = "long" if runtime >= LONG else "short" if runtime <= SHORT else "medium"
        found.append(f"length:{length}")
    return tuple(dict.fromkeys(found))


_GROUPED: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[float, ...]]] = {}


def grouped(own: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """A film's features and each one's factor: its group's weight over the square root of
    how many features the film has in that group (so a film with many genres is not
    favoured for having many). Remembered: every request scores the same films."""
    found = _GROUPED.get(own)
    if found is None:
        sizes: dict[str, int] = {}
        for feature in own:
            sizes[group(feature)] = sizes.get(group(feature), 0) + 1
        found = own, tuple(GROUP_WEIGHTS[group(f)] / sqrt(sizes[group(f)]) for f in own)
        if len(_GROUPED) >= MEMO_SIZE:
            _GROUPED.clear()
        _GROUPED[own] = found
    return found


_WEIGHED: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[float, ...]]] = {}


def weighed(movie: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """``grouped(features(movie))``, remembered (``_key``): what re-ranking a mood's films
    reads of each of them on every request, in one look-up."""
    key = _key(movie)
    found = _WEIGHED.get(key)
    if found is None:
        if len(_WEIGHED) >= MEMO_SIZE:
            _WEIGHED.clear()
        found = _WEIGHED[key] = grouped(features(movie))
    return found


_KIN: dict[tuple[str, ...], frozenset[str]] = {}


def kin(own: tuple[str, ...]) -> frozenset[str]:
    """The features two films must share to be called alike in a reason: tones, genres and
    people (remembered)."""
    found = _KIN.get(own)
    if found is None:
        if len(_KIN) >= MEMO_SIZE:
            _KIN.clear()
        found = _KIN[own] = frozenset(f for f in own if group(f) in ("tone", "genre", "person"))
    return found


def group(feature: str) -> str:
    """The group of a feature (``tone`` for ``tone:funny``)."""
    return feature.partition(":")[0]


def described(feature: str) -> str:
    """A feature as a person reads it: "funny", "Animation", "the 1990s", "English"."""
    kind, _, value = feature.partition(":")
    if kind == "decade":
        return f"the {value}s"
    if kind == "era":
        return f"{value}-{int(value) + ERA - 1}"
    if kind == "feel":
        return f"{value} films"
    if kind in ("genre", "language", "country", "person"):
        return value.title()
    if kind == "length":
        return f"{value} films"
    return value
