"""The Movie record every provider returns and every API speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emotionpix.core.records import JsonRecord


@dataclass(frozen=True, slots=True)
class Intensity(JsonRecord):
    """How strong a film's violence, fear and sadness are: 0 none, 1 mild, 2 moderate,
    3 strong."""

    violence: int
    fear: int
    sadness: int


@dataclass(frozen=True, slots=True)
class Movie(JsonRecord):
    """One film. ``rating`` is on a 0-10 scale; what ``votes`` counts depends on the provider;
    ``cast`` is in billing order where the source has one (the provider says). ``original_title``
    is the title in the film's own language where ``title`` translates it (*El laberinto del
    fauno* for *Pan's Labyrinth*). ``keywords`` are
    the provider's subject tags ("heist", "coming of age"), empty if it has none. Its JSON
    (``to_dict``) is the API's."""

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
    backdrop_url: str | None = None
    runtime: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = field(default=())
    imdb_id: str | None = None
    trailer_url: str | None = None
    original_title: str | None = None
    keywords: tuple[str, ...] = ()
    tones: tuple[str, ...] = ()
    ending: str | None = None
    intensity: Intensity | None = None
    content_notes: tuple[str, ...] = ()
    tones_from: str | None = None
    certificate: str | None = None  # the age rating where the source gives one ("PG-13")

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
                "keywords": tuple(data.get("keywords") or ()),
                "tones": tuple(data.get("tones") or ()),
                "intensity": Intensity(**data["intensity"]) if data.get("intensity") else None,
                "content_notes": tuple(data.get("content_notes") or ()),
            }
        )
