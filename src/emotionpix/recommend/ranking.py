"""Ranking: confidence-weighted ratings, an origin spotlight, and seeded variety."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from emotionpix.core.movies import Movie

T = TypeVar("T")


def weighted_rating(rating: float, votes: int, prior_mean: float, prior_votes: int) -> float:
    """Bayesian average: ``rating`` pulled towards ``prior_mean`` until ``votes`` outweighs
    ``prior_votes``, so a 9.0 from 12 reviews cannot beat an 8.6 from 300."""
    return (votes * rating + prior_votes * prior_mean) / (votes + prior_votes)


def rank(movies: Sequence[Movie], prior_votes: int) -> list[Movie]:
    """Best first by weighted rating; the prior mean is the candidates' own mean rating."""
    rated = [m for m in movies if m.rating is not None]
    if not rated:
        return []
    mean = sum(m.rating or 0.0 for m in rated) / len(rated)

    def score(movie: Movie) -> tuple[float, int, str]:
        weighted = weighted_rating(movie.rating or 0.0, movie.votes, mean, prior_votes)
        return (-weighted, -movie.votes, movie.id)

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
