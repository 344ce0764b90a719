"""Which watchlist films the viewer can watch tonight on their own services, and which of them
came to one of those services since the watchlist was last shown.

"Came since" is only ever said from evidence: each film remembers every service that offered
it (in its region) the last time the list was checked, so a film is new on Netflix only if
it was checked before, in the same region, and Netflix did not offer it then. A film never
checked before, or last checked in another region, is marked as on the service, not as new;
choosing a service later does not make the films already on it "new" either.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emotionpix.core.movies import Movie

# What a subscription (or nothing) gives: renting and buying cost extra, so they do not count.
INCLUDED = ("stream", "free", "ads")


@dataclass(frozen=True)
class Mark:
    """A watchlist film on the viewer's services: their names, and whether one of them
    began offering it since the list was last shown."""

    services: tuple[str, ...]
    new: bool


@dataclass(frozen=True)
class WatchlistCheck:
    """The watchlist checked against the viewer's services in ``region``: ``marks`` by film
    id, ``unavailable`` when availability could not be had (for some films or all), and
    ``seen_now``: what to remember for the next check (only films whose availability came
    and differs from what the last check saw: an unchanged list writes nothing)."""

    region: str
    marks: dict[str, Mark] = field(default_factory=dict)
    unavailable: bool = False
    seen_now: dict[str, dict[str, Any]] = field(default_factory=dict)


def check(
    movies: Sequence[Movie],
    offers: Sequence[Mapping[str, Any]],
    region: str,
    services: Collection[int],
    last_seen: Mapping[str, Any],
) -> WatchlistCheck:
    """Mark ``movies`` from their availability in ``region`` (``WatchGuide.for_movies``),
    given what each film's last check saw (``{"region", "services"}`` by film id)."""
    marks: dict[str, Mark] = {}
    seen_now: dict[str, dict[str, Any]] = {}
    unavailable = False
    for movie, watch in zip(movies, offers, strict=True):
        if "unavailable" in watch:
            unavailable = True  # nothing fresh: no mark, and nothing remembered
            continue
        offered = {s["id"]: s["name"] for kind in INCLUDED for s in watch.get(kind) or []}
        before = last_seen.get(movie.id)
        now = {"region": region, "services": sorted(offered)}
        if now != before:
            seen_now[movie.id] = now
        mine = [service for service in offered if service in services]
        if mine:
            new = any(not _offered_then(before, service, region) for service in mine)
            marks[movie.id] = Mark(tuple(offered[service] for service in mine), new)
    return WatchlistCheck(region, marks, unavailable, seen_now)


def _offered_then(before: Any, service: int, region: str) -> bool:
    """Whether the last check saw ``service`` offering the film (a check elsewhere, or none,
    counts as "yes": without evidence nothing is called new)."""
    if not isinstance(before, dict) or before.get("region") != region:
        return True
    return service in (before.get("services") or ())
