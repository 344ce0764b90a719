"""The room's films: each member's mood ranks its films, and the room keeps the films that
suit everyone.

Aggregation: **least misery, then the mean.** A member's fit for a film is where the film
stands in their mood's ranked films (1 for the first, falling linearly towards 0 at the end
of the list; 0 when the film is not among them). A film's room fit is its *worst* fit across
the members — a film one person would hate is not a film for the room, however much the
others like it — and films that fit everyone are ranked by their *mean* fit, so the film the
group likes most on average leads among those nobody minds. A plain mean (or a majority
vote) would let three happy people outvote a sad one with a slapstick comedy; the minimum
alone would rank many films equally and ignore how much the others like them.

When too few films fit everyone (moods far apart: happy and fear share few films), the list
is filled with the films that fit the most members, best mean first, and each such film's
reason says whose moods it fits and whose it does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A member's mood as a key: the chosen emotion (or None) and the probabilities, if any.
MoodKey = tuple[str | None, tuple[tuple[str, float], ...]]
# One mood's ranked films: (the film as the API gives it, its reason), best first.
Ranked = Sequence[tuple[dict[str, Any], str]]


def mood_key(emotion: str | None, emotions: Mapping[str, float] | None) -> MoodKey:
    """The hashable form of a member's mood (equal moods share one ranking)."""
    return (emotion, tuple(sorted((emotions or {}).items())))


def leading(key: MoodKey) -> str:
    """The emotion that names a mood: the chosen one, else the most probable."""
    emotion, probabilities = key
    if emotion is not None:
        return emotion
    return max(probabilities, key=lambda pair: pair[1])[0]


@dataclass(frozen=True)
class GroupFilm:
    """A film for the room: its fit for each member (by name) and the room's reason."""

    movie: dict[str, Any]
    fits: dict[str, float]
    reason: str

    @property
    def worst(self) -> float:
        return min(self.fits.values())

    @property
    def mean(self) -> float:
        return sum(self.fits.values()) / len(self.fits)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.movie,
            "reason": self.reason,
            "fit": {"worst": round(self.worst, 3), "mean": round(self.mean, 3)},
        }


def fits_of(ranked: Ranked) -> dict[str, float]:
    """Each film's fit for one mood: 1 for the first, falling linearly, by film id."""
    count = len(ranked)
    return {movie["id"]: 1 - rank / count for rank, (movie, _) in enumerate(ranked)}


def room_films(
    members: Sequence[tuple[str, MoodKey]],
    rankings: Mapping[MoodKey, Ranked],
    limit: int = 30,
) -> list[GroupFilm]:
    """The room's films, best first: those that fit every member (by their worst fit) ranked
    by the mean fit, then the films that fit the most members. ``members`` are (name, mood)
    of the members who gave a mood; ``rankings`` each mood's ranked films."""
    if not members:
        return []
    fits = [fits_of(rankings[key]) for _, key in members]
    first: dict[str, tuple[dict[str, Any], str]] = {}  # each film as its best mood ranks it
    for ranked in rankings.values():
        for movie, reason in ranked:
            first.setdefault(movie["id"], (movie, reason))
    # Ranked on plain numbers; only the films kept get a GroupFilm and a reason (a room's
    # moods bring a few hundred films, of which it keeps ``limit``).
    count = len(fits)
    scored = []
    for film_id in first:
        total, fitting = 0.0, 0
        for mine in fits:
            fit = mine.get(film_id)  # a ranked film's fit is above 0
            if fit is not None:
                total += fit
                fitting += 1
        scored.append(((fitting == count, fitting, total / count), film_id))
    scored.sort(key=lambda item: item[0], reverse=True)  # stable: ties keep the moods' order
    films = []
    for _, film_id in scored[:limit]:
        movie, reason = first[film_id]
        member_fits = {
            name: mine.get(film_id, 0.0) for (name, _), mine in zip(members, fits, strict=True)
        }
        films.append(
            GroupFilm(movie, member_fits, _reason(reason.split(" — ")[0], members, member_fits))
        )
    return films


def _reason(
    description: str, members: Sequence[tuple[str, MoodKey]], fits: Mapping[str, float]
) -> str:
    """ "A light-hearted comedy … — fits everyone: Ana (happy), Ben (sad)", or whose moods a
    film fits and whose it does not."""
    fitting = [f"{name} ({leading(key)})" for name, key in members if fits[name] > 0]
    missing = [f"{name} ({leading(key)})" for name, key in members if fits[name] <= 0]
    if len(members) == 1:
        return f"{description} — picked for {fitting[0]}'s mood"
    if not missing:
        return f"{description} — fits everyone's mood: {_join(fitting)}"
    return f"{description} — fits {_join(fitting)}; not {_join(missing, 'or')}"


def _join(names: Sequence[str], word: str = "and") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def room_mood(moods: Sequence[MoodKey]) -> dict[str, Any] | None:
    """The room's mood: each emotion's mean share across the members who gave one (a chosen
    emotion counts as certain), and the leading emotion; None before anyone has."""
    if not moods:
        return None
    shares: dict[str, float] = {}
    for emotion, probabilities in moods:
        reading = (
            {emotion: 1.0} if emotion is not None and not probabilities else dict(probabilities)
        )
        total = sum(reading.values()) or 1.0
        for label, p in reading.items():
            shares[label] = shares.get(label, 0.0) + p / total / len(moods)
    ordered = dict(sorted(((k, round(v, 3)) for k, v in shares.items()), key=lambda kv: -kv[1]))
    return {"emotion": next(iter(ordered)), "emotions": ordered, "members": len(moods)}
