"""The contract every movie source fulfils (the embedded catalog today; TMDB and IMDb236
adapters plug in behind the same protocol)."""

from __future__ import annotations

from typing import Protocol

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie


class ProviderError(RuntimeError):
    """The provider could not answer (network, quota, bad credentials, corrupt data)."""


class MovieProvider(Protocol):
    """A source of films.

    ``votes_meaning`` says what ``Movie.votes`` counts for this source (user votes, critic
    reviews, ...), so that ``default_min_votes`` and ``prior_votes`` (the weight of the prior
    in the confidence-weighted rating) can be set in the same unit; ``votes_unit`` is the
    same in a few words for sentences ("8.6/10 from 210 critics").

    ``discover`` returns the films of ``genre`` that pass ``filters``, in any order (ranking
    is the recommendation service's job, never a provider's); ``limit`` bounds the work: a
    source with more matches than that keeps the first ``limit`` in its own order (the most
    voted, for the catalog), not a ranking of its own. ``search`` returns the best
    title matches first; ``get`` returns None for an unknown id. All three raise
    ProviderError when the source fails, never return a partial answer silently.
    """

    name: str
    votes_meaning: str
    votes_unit: str
    default_min_votes: int
    prior_votes: int

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]: ...

    def search(self, query: str, limit: int) -> list[Movie]: ...

    def get(self, movie_id: str) -> Movie | None: ...
