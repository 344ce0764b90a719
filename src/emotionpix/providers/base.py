"""The contract every movie source fulfils: the embedded catalog, TMDB, IMDb236 and any
provider another distribution registers (``registry.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol, runtime_checkable

from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie


class ProviderError(RuntimeError):
    """The provider could not answer (network, timeout, quota, bad credentials, corrupt
    data). Its message never contains a credential."""


def titles(title: Any, original: Any) -> tuple[str, str | None]:
    """(title, original title) as a Movie keeps them: the original only where it differs
    (an API's title in the film's own language), the title falling back on it."""
    shown = str(title or original or "")
    return shown, (str(original) if original and original != shown else None)


def most_voted(
    found: Iterable[tuple[Movie, str | None]], keep: Callable[[Movie], bool], limit: int
) -> list[Movie]:
    """Films several queries found, each once, most voted first (the protocol's cap), tagged
    with the origin country of every query that found them (or None), those ``keep``
    accepts, at most ``limit``."""
    films: dict[str, Movie] = {}
    origins: dict[str, set[str]] = {}
    for movie, origin in found:
        films.setdefault(movie.id, movie)
        if origin:
            origins.setdefault(movie.id, set()).add(origin)
    tagged = (
        replace(m, countries=tuple(sorted({*m.countries, *origins[m.id]})))
        if m.id in origins
        else m
        for m in sorted(films.values(), key=lambda m: (-m.votes, m.id))
    )
    return [m for m in tagged if keep(m)][:limit]


class MovieProvider(Protocol):
    """A source of films.

    ``votes_meaning`` says what ``Movie.votes`` counts for this source (user votes, critic
    reviews, ...), so that ``default_min_votes`` and ``prior_votes`` (the weight of the prior
    in the confidence-weighted rating) can be set in the same unit; ``votes_unit`` is the
    same in a few words for sentences ("8.6/10 from 210 critics"). ``cast_in_billing_order``
    says whether ``Movie.cast`` lists the stars first (else it is in some other order, such as
    the embedded catalog's alphabetical one, and the page says so). ``attribution`` is the
    credit the page shows while the source is in use (``attribution_url`` its link).

    ``check_filters`` raises ValueError for filters the source cannot apply (an unknown
    language, say), so a bad configuration stops the app at start-up rather than at the
    first request. ``discover`` returns the films of ``genre`` that pass ``filters``, in any
    order (ranking is the recommendation service's job, never a provider's); ``limit`` bounds
    the work: a source with more matches than that keeps the first ``limit`` in its own order
    (the most voted, for every source here), not a ranking of its own. ``genre`` is named as
    the mood rules name it (IMDb's names, the embedded catalog's): a source that calls it
    otherwise translates it (TMDB's "Music" for "Musical"); one without it returns no films,
    and the recommendation service answers that mood from its fallback. ``search`` returns the
    best title matches first; ``get`` returns None for an unknown id. All three raise
    ProviderError when the source fails, never return a partial answer silently. ``stats``
    describes this process's calls to the source (empty for an in-memory one).
    ``warm_up`` starts, in the background, what the first request would otherwise wait for
    (a remote source's reference lists); it never raises. A provider that subclasses this
    protocol inherits a ``warm_up`` that does nothing.
    """

    name: str
    votes_meaning: str
    cast_in_billing_order: bool
    votes_unit: str
    default_min_votes: int
    prior_votes: int
    attribution: str
    attribution_url: str

    def check_filters(self, filters: Filters) -> None: ...

    def discover(self, genre: str, filters: Filters, limit: int) -> list[Movie]: ...

    def search(self, query: str, limit: int) -> list[Movie]: ...

    def get(self, movie_id: str) -> Movie | None: ...

    def stats(self) -> dict[str, Any]: ...

    def warm_up(self) -> None:
        """Nothing to fetch ahead."""
        return None


@runtime_checkable
class EnrichingProvider(MovieProvider, Protocol):
    """A provider that can dress another source's films (posters, plots, trailers), found
    by their IMDb ids: ``find_by_imdb`` gives the film as the provider lists it (None when it
    has none under that id), ``details`` everything it knows of one of its own ids."""

    def find_by_imdb(self, imdb_id: str) -> Movie | None: ...

    def details(self, provider_id: str) -> Movie | None: ...


# The kinds of availability, as the API names them, and as TMDB's watch lists name them.
WATCH_KINDS = {"stream": "flatrate", "free": "free", "ads": "ads", "rent": "rent", "buy": "buy"}


@runtime_checkable
class WatchSource(Protocol):
    """Where films can be watched, per region (TMDB's watch providers, from JustWatch data,
    which must be credited as ``watch_attribution`` wherever it shows).

    ``watch_ids`` maps IMDb ids to this source's own ids (None where it has no such film),
    ``availability`` gives, for each of its ids, ``{region: {"link", "stream", "free", "ads",
    "rent", "buy"}}`` (each list of ``{"id", "name", "logo"}``; None for an unknown film);
    both ask for every id at once (one round trip of wall time). ``watch_regions`` lists
    ``{"code", "name"}``, ``watch_services`` a region's ``{"id", "name", "logo"}``. All raise
    ProviderError when the source fails."""

    watch_attribution: str

    def watch_ids(self, imdb_ids: Sequence[str]) -> list[str | None]: ...

    def availability(self, ids: Sequence[str]) -> list[dict[str, dict[str, Any]] | None]: ...

    def watch_regions(self) -> list[dict[str, str]]: ...

    def watch_services(self, region: str) -> list[dict[str, Any]]: ...
