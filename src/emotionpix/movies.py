"""The Movie record every provider returns and every API speaks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Movie:
    """One film. ``rating`` is on a 0-10 scale; what ``votes`` counts depends on the provider."""

    id: str
    title: str
    year: int | None = None
    genres: tuple[str, ...] = ()
    rating: float | None = None
    votes: int = 0
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    overview: str | None = None
    poster_url: str | None = None
    runtime: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = field(default=())
    imdb_id: str | None = None
    trailer_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the API (lists, not tuples)."""
        data = asdict(self)
        for key in ("genres", "languages", "countries", "cast"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Movie:
        """Rebuild a Movie from ``to_dict`` output (e.g. a cache entry)."""
        return cls(
            **{
                **data,
                "genres": tuple(data.get("genres") or ()),
                "languages": tuple(data.get("languages") or ()),
                "countries": tuple(data.get("countries") or ()),
                "cast": tuple(data.get("cast") or ()),
            }
        )
