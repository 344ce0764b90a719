""" "More like this": the films that share most with one film — its tones first, then its
genres, the people who made it, its decade and its language — each with a reason naming
what they share ("Like Up: funny, heartwarming; Animation, Family; from the 2000s")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import sqrt
from typing import Any

from emotionpix.core.i18n import genre_name, gettext, language_name
from emotionpix.core.text import normalise
from emotionpix.core.tones import TONE_WORDS, tone_name

TONE_WEIGHT = 3.0  # the tone sets' cosine counts this much
GENRE_WEIGHT = 2.0
DIRECTOR = 1.5
CAST_EACH, CAST_MOST = 0.5, 1.5
SAME_DECADE = 0.5
SAME_LANGUAGE = 0.4
QUALITY = 0.05  # per rating point: breaks ties towards the better film
LEAST = 1.5  # a film must share at least this much (about a genre and a tone) to be listed
SHOWN_TONES = 3


def similar(
    film: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]], limit: int = 12
) -> list[tuple[Mapping[str, Any], str]]:
    """The ``limit`` candidates most like ``film`` (never ``film`` itself, by id, IMDb id or
    title and year), most alike first, each with its reason."""
    own = _same_film_keys(film)
    scored: dict[str, tuple[float, Mapping[str, Any]]] = {}
    for other in candidates:
        if own & _same_film_keys(other) or str(other.get("id")) in scored:
            continue
        score = likeness(film, other)
        if score >= LEAST:
            scored[str(other.get("id"))] = (score, other)
    ranked = sorted(scored.values(), key=lambda pair: (-pair[0], str(pair[1].get("id"))))
    return [(other, reason(film, other)) for _, other in ranked[:limit]]


def likeness(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """How much two films share, in points (see the module's weights)."""
    score = TONE_WEIGHT * _cosine(_tones(a), _tones(b))
    score += GENRE_WEIGHT * _cosine(_genres(a), _genres(b))
    if a.get("director") and _same(a.get("director"), b.get("director")):
        score += DIRECTOR
    score += min(CAST_MOST, CAST_EACH * len(_cast(a) & _cast(b)))
    if _decade(a) is not None and _decade(a) == _decade(b):
        score += SAME_DECADE
    if _language(a) and _language(a) == _language(b):
        score += SAME_LANGUAGE
    rating = b.get("rating")
    return score + QUALITY * (rating if isinstance(rating, int | float) else 6.0)


def reason(film: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    """What ``other`` shares with ``film``, in words."""
    parts: list[str] = []
    tones = [t for t in other.get("tones") or () if t in _tones(film)][:SHOWN_TONES]
    if tones:
        parts.append(", ".join(tone_name(t) if t in TONE_WORDS else t for t in tones))
    genres = [g for g in other.get("genres") or () if g.casefold() in _genres(film)]
    if genres:
        parts.append(", ".join(genre_name(g) for g in genres))
    if film.get("director") and _same(film.get("director"), other.get("director")):
        parts.append(gettext("directed by %(director)s", director=other["director"]))
    cast = [c for c in other.get("cast") or () if normalise(c) in _cast(film)][:2]
    if cast:
        if len(cast) == 1:
            parts.append(gettext("with %(name)s", name=cast[0]))
        else:
            parts.append(gettext("with %(first)s and %(second)s", first=cast[0], second=cast[1]))
    if _decade(film) is not None and _decade(film) == _decade(other):
        parts.append(gettext("from the %(decade)ss", decade=_decade(film)))
    if _language(film) and _language(film) == _language(other):
        language = (other.get("languages") or ("",))[0]
        parts.append(gettext("in %(language)s", language=language_name(language)))
    if parts:
        return gettext(
            "Like %(title)s: %(shared)s", title=film.get("title"), shared="; ".join(parts)
        )
    return gettext("Like %(title)s", title=film.get("title"))


def _same_film_keys(movie: Mapping[str, Any]) -> set[str]:
    keys = {f"id:{movie.get('id')}"}
    if movie.get("imdb_id"):
        keys.add(f"imdb:{movie['imdb_id']}")
    keys.add(f"title:{normalise(str(movie.get('title') or ''))}:{movie.get('year')}")
    return keys


def _tones(movie: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(movie.get("tones") or ())


def _genres(movie: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(g.casefold() for g in movie.get("genres") or ())


def _cast(movie: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(normalise(c) for c in (movie.get("cast") or ())[:6])


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and normalise(a) == normalise(b)


def _decade(movie: Mapping[str, Any]) -> int | None:
    year = movie.get("year")
    return year // 10 * 10 if isinstance(year, int) else None


def _language(movie: Mapping[str, Any]) -> str | None:
    languages = movie.get("languages") or ()
    return languages[0].casefold() if languages else None


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / sqrt(len(a) * len(b)) if a and b else 0.0
