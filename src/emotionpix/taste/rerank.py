"""A mood's films re-ranked by a viewer's taste, with variety kept on the first page.

The static ranking (the mood's pool: weighted rating + mood fit, best first) is the prior:
a film's place in it becomes a score that falls slowly (``prior``), the viewer's taste adds
``STRENGTH`` times the film's taste score, and a little seeded jitter gives a new seed a new
first page, as the static ranking's rotation does. The first page is then filled by maximal
marginal relevance: each next film is the one whose score, less ``DIVERSITY`` times its
likeness to the films already chosen (shared tones and genres), is highest — so a viewer who
likes animated films gets more of them, not a page of nothing else.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from math import log1p
from typing import Any, TypeVar

from emotionpix.taste.features import features, group
from emotionpix.taste.model import Taste

T = TypeVar("T")

STRENGTH = 0.8  # prior units per unit of taste score
# A neutral face says little about what to show (and is the reading most faces get): there
# the taste counts for more.
STRENGTHS: dict[str | None, float] = {"neutral": 1.6}
JITTER = 0.25  # the seeded noise's range, in prior units
DIVERSITY = 0.6  # how much likeness to the chosen films costs on the first page
HEAD = 60  # the best-scored films the first page is chosen from
RERANKED = 120  # the films the taste may move (the rest keep their static order after them)
PRIOR_SCALE = 20  # places after which the prior has fallen by log(2)


def prior(place: int) -> float:
    """The static ranking's word on a film at ``place`` (0: its best): 0, then slowly down
    (-0.69 at 20, -1.1 at 40, -2.3 at 180), so taste can lift a film a few pages, not from
    the bottom of the pool."""
    return -log1p(place / PRIOR_SCALE)


def rerank(
    items: Sequence[T],
    movie: Callable[[T], Mapping[str, Any]],
    emotion: Callable[[T], str | None],
    taste: Taste,
    seed: int,
    first: int,
) -> list[T]:
    """``items`` (best first) in the order the taste prefers; the first ``first`` chosen for
    variety as well as score. Only the first ``RERANKED`` move: a film further down the
    static order would need more taste than five signals give to reach the first page."""
    rng = random.Random(seed)
    weights: dict[str | None, dict[str, float]] = {}
    scores = []
    items, tail = items[:RERANKED], items[RERANKED:]
    for place, item in enumerate(items):
        mood = emotion(item)
        if mood not in weights:
            weights[mood] = taste.weights(mood)
        liking = taste.score(movie(item), mood, weights[mood])
        strength = STRENGTHS.get(mood, STRENGTH)
        scores.append(prior(place) + JITTER * rng.random() + strength * liking)
    order = sorted(range(len(items)), key=lambda i: -scores[i])
    head = diverse(order[:HEAD], scores, [_kind(movie(items[i])) for i in order[:HEAD]], first)
    chosen = set(head)
    return [items[i] for i in head] + [items[i] for i in order if i not in chosen] + [*tail]


def diverse(
    order: Sequence[int], scores: Sequence[float], kinds: Sequence[frozenset[str]], first: int
) -> list[int]:
    """Maximal marginal relevance over ``order`` (indices, best first; ``kinds[k]`` the
    tones and genres of ``order[k]``): the first ``first`` picked greedily by score less
    likeness to those picked, then the rest in score order."""
    left = list(range(len(order)))
    closest = [0.0] * len(order)  # each film's likeness to the closest film picked
    picked: list[int] = []
    while left and len(picked) < first:
        best = max(left, key=lambda k: scores[order[k]] - DIVERSITY * closest[k])
        left.remove(best)
        picked.append(best)
        for k in left:
            closest[k] = max(closest[k], _likeness(kinds[k], kinds[best]))
    return [order[k] for k in picked + left]


_KINDS: dict[tuple[str, ...], frozenset[str]] = {}


def _kind(movie: Mapping[str, Any]) -> frozenset[str]:
    """The film's tones and genres (remembered, like its features)."""
    own = features(movie)
    found = _KINDS.get(own)
    if found is None:
        if len(_KINDS) >= 50_000:
            _KINDS.clear()
        found = _KINDS[own] = frozenset(f for f in own if group(f) in ("tone", "genre"))
    return found


def _likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard: shared over all."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
