"""Ranking: confidence-weighted ratings, an origin spotlight, and seeded variety."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from emotionpix.core.movies import Movie

T = TypeVar("T")


def weighted_rating(rating: float, votes: int, prior_mean: float, prior_votes: int) -> float:
    """Bayesian average: ``rating`` pulled towards ``prior_mean`` until ``votes`` outweighs
    ``prior_votes``, so a 9.0 from 12 reviews cannot beat an 8.6 from 300."""
    return (votes * rating + prior_votes * prior_mean) / (votes + prior_votes)


def rank(
    movies: Sequence[Movie], prior_votes: int, bonus: Callable[[Movie], float] | None = None
) -> list[Movie]:
    """Best first by weighted rating plus ``bonus`` (rating points, such as a mood fit's);
    the prior mean is the candidates' own mean rating."""
    rated = [m for m in movies if m.rating is not None]
    if not rated:
        return []
    mean = sum(m.rating or 0.0 for m in rated) / len(rated)

    def score(movie: Movie) -> tuple[float, int, str]:
        weighted = weighted_rating(movie.rating or 0.0, movie.votes, mean, prior_votes)
        return (-weighted - (bonus(movie) if bonus else 0.0), -movie.votes, movie.id)

    return sorted(rated, key=score)


def spotlight(movies: Sequence[Movie], countries: Sequence[str], every: int) -> list[Movie]:
    """Give every ``every``-th slot to the best remaining film from ``countries``.

    Films from a smaller industry (Indian cinema, in the paper) have far fewer reviews, so a
    confidence-weighted ranking alone would bury them below the first pages.
    """
    if not countries or every < 1:
        return list(movies)
    wanted = {c.casefold() for c in countries}
    featured = [m for m in movies if any(c.casefold() in wanted for c in m.countries)]
    others = [m for m in movies if not any(c.casefold() in wanted for c in m.countries)]
    merged: list[Movie] = []
    while featured or others:
        slot_is_featured = len(merged) % every == every - 1
        source = featured if (slot_is_featured and featured) or not others else others
        merged.append(source.pop(0))
    return merged


def rotate(items: Sequence[T], window: int, seed: int) -> list[T]:
    """Shuffle ``items`` within consecutive windows of ``window`` items, reproducibly.

    The first page then shows a different selection of the very best films each time (a
    different seed), while the same seed pages through one stable order without repeats.
    """
    if window < 2:
        return list(items)
    rng = random.Random(seed)
    rotated: list[T] = []
    for start in range(0, len(items), window):
        block = list(items[start : start + window])
        rng.shuffle(block)
        rotated.extend(block)
    return rotated


def blend(
    lists: Sequence[Sequence[T]],
    weights: Sequence[float],
    key: Callable[[T], Hashable],
    limit: int | None = None,
) -> list[tuple[int, T]]:
    """Interleave ranked lists in proportion to ``weights``, each item once: (list, item),
    the first ``limit`` of them (all by default).

    Every list keeps its own order; at each step the list furthest behind its share gives
    its next item (a smooth weighted round-robin), so 0.6/0.4 gives 3 of every 5 films from
    the first list, spread evenly rather than in blocks.
    """
    limit = sum(map(len, lists)) if limit is None else limit
    if len(lists) == 1:
        return [(0, item) for item in lists[0][:limit]]
    queues = [deque(items) for items in lists]
    live = [i for i, queue in enumerate(queues) if queue]
    credit = [0.0] * len(queues)
    seen: set[Hashable] = set()
    merged: list[tuple[int, T]] = []
    while live and len(merged) < limit:
        for i in live:
            credit[i] += weights[i]
        chosen = max(live, key=credit.__getitem__)
        credit[chosen] -= sum(weights[i] for i in live)
        item = queues[chosen].popleft()
        if not queues[chosen]:
            live.remove(chosen)
        if key(item) not in seen:
            seen.add(key(item))
            merged.append((chosen, item))
    return merged
