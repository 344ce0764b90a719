"""What the recommender answers. Each record becomes JSON the one way every record does
(``core.records``); ``web/openapi.py`` describes the same fields, and
``tests/web/test_openapi.py`` checks that the two agree field for field."""

from __future__ import annotations

from dataclasses import dataclass, field

from emotionpix.core.movies import Movie
from emotionpix.core.records import INLINE, JsonRecord, json_key


@dataclass(frozen=True)
class Pick(JsonRecord):
    """A recommended film and why it was picked (the reason belongs to the recommendation,
    not to the provider's record). Its JSON is the film's, with ``reason``."""

    movie: Movie = field(metadata=INLINE)
    reason: str


@dataclass(frozen=True)
class BlendPart(JsonRecord):
    """One of the two moods a close call blends, with its share of the films."""

    emotion: str
    genre: str
    weight: float


@dataclass(frozen=True)
class Recommendations(JsonRecord):
    """One page of picks for a mood (or, on a close call, two blended)."""

    emotion: str
    genre: str
    mode: str  # "match" | "lift"
    blend: list[BlendPart] | None  # None unless two moods are blended
    source: str  # "cache" | "provider" | "stale" | "fallback"
    page: int
    seed: int
    total: int
    has_more: bool
    picks: list[Pick] = field(metadata=json_key("movies"))
    drawn_from: str = ""  # what the films are drawn from, said under the grid's heading
    tuned: bool = False  # re-ranked by the viewer's taste
    crowd: bool = False  # ordered partly by what the members who let the app learn liked
    # The mood's other rules ("lift" in a "match" grid, or the reverse) whose films the
    # viewer's taste in this mood brought in; None when it brought none.
    wished: str | None = None

    @property
    def movies(self) -> list[Movie]:
        return [pick.movie for pick in self.picks]


@dataclass(frozen=True)
class SearchResults(JsonRecord):
    """The films whose titles best match a query."""

    query: str
    source: str
    movies: list[Movie] = field(default_factory=list)
    hidden: int = 0  # films that matched but the viewer's filters leave out
    drawn_from: str = ""  # where the titles were searched
    # Why nothing was found, when nothing was: a film newer than an offline catalog's last
    # year is not blamed on the spelling.
    not_found: str | None = None


@dataclass(frozen=True)
class SimilarFilms(JsonRecord):
    """ "More like this": the films most like one film, each with what they share."""

    movie_id: str
    source: str
    picks: list[Pick] = field(metadata=json_key("movies"))
