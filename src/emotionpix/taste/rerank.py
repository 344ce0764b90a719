"""A mood's films re-ranked by a viewer's taste, with variety kept on the first page.

The static ranking (the mood's pool: weighted rating + mood fit, best first) is the prior:
a film's place in it becomes a score that falls slowly (``prior``), the viewer's taste adds
``STRENGTH`` times the film's taste score, and a little seeded jitter gives a new seed a new
first page, as the static ranking's rotation does. The first page is then filled by maximal
marginal relevance: each next film is the one whose score (rescaled to 0..1), less
``DIVERSITY`` times its likeness to each film already chosen (shared tones and genres,
summed), is highest — so a viewer who likes animated films gets more of them, not a page of
nothing else. Before that, a mood's films may come partly from its other rules, where the
viewer's wish in the mood says so (``other_share``).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from math import log, log1p
from operator import mul
from typing import Any, TypeVar

from emotionpix.taste.crowd import Crowd
from emotionpix.taste.features import group, weighed
from emotionpix.taste.model import Taste

T = TypeVar("T")

STRENGTH = 3.0  # prior units per unit of taste score
# A neutral face says little about what to show (and is the reading most faces get): there
# the taste counts for more.
STRENGTHS: dict[str | None, float] = {"neutral": 4.0}
JITTER = 0.25  # the seeded noise's range, in prior units
DIVERSITY = 0.1  # how much likeness to the chosen films costs on the first page
HEAD = 25  # the best-scored films the first page is chosen from
STATIC_HEAD = 5  # ... with the static order's best few
# The films the taste may move (the rest keep their static order after them): a mood's whole
# pool, so a viewer who loves animation can get the one thoughtful animated film far down a
# neutral grid's static order; the prior (``prior``) still keeps it behind the best few.
RERANKED = 200
PRIOR_SCALE = 20  # places after which the prior has fallen by log(2)
# A mood's other rules ("lift" for "match" and back): the most of its films they may give,
# and how fast they come in as the viewer's wish in the mood moves away from the asked ones.
MOST_OTHER = 0.75
OTHER_GAIN = 2.0
FEEL_HEAD = 60  # the leading films of each list whose feel is compared


def prior(place: int) -> float:
    """The static ranking's word on a film at ``place`` (0: its best): 0, then slowly down
    (-0.69 at 20, -1.1 at 40, -2.3 at 180), so taste can lift a film a few pages, not from
    the bottom of the pool."""
    return -log1p(place / PRIOR_SCALE)


_PRIORS = tuple(prior(place) for place in range(1000))  # computed once, read by every request


def _priors(n: int) -> list[float]:
    """``prior`` of the first ``n`` places."""
    return [*_PRIORS[:n], *(prior(place) for place in range(len(_PRIORS), n))]


def rerank(
    items: Sequence[T],
    movie: Callable[[T], Mapping[str, Any]],
    emotion: Callable[[T], str | None],
    taste: Taste,
    seed: int,
    first: int,
    crowd: Crowd | None = None,
) -> list[T]:
    """``items`` (best first) in the order the taste prefers (its weights starting from the
    ``crowd``'s, where there is one); the first ``first`` chosen for variety as well as
    score. Only the first ``RERANKED`` move: a film further down the static order would
    need more taste than a week of signals gives to reach the first page."""
    rng = random.Random(seed)
    items, tail = items[:RERANKED], items[RERANKED:]
    films = [weighed(movie(item)) for item in items]  # (features, factors), remembered
    moods = [emotion(item) for item in items]
    rarity = _rarity([own for own, _ in films])
    weights: dict[str | None, tuple[Callable[[str, float], float], float]] = {}
    scores = []
    zeros = repeat(0.0)
    for start, (own, factors), mood in zip(_priors(len(items)), films, moods, strict=True):
        if mood not in weights:  # the taste's weights in this mood, each by its rarity
            found = taste.weights(mood, crowd.prior(mood) if crowd else None)
            # (over the candidates' features: a crowd has weights for thousands)
            scaled = {f: found[f] * rare for f, rare in rarity.items() if f in found}
            weights[mood] = scaled.get, STRENGTHS.get(mood, STRENGTH)
        get, strength = weights[mood]
        liking = float(sum(map(mul, factors, map(get, own, zeros))))
        scores.append(start + JITTER * rng.random() + strength * liking)
    order = sorted(range(len(items)), key=scores.__getitem__, reverse=True)
    # The first page is chosen from the best-scored films and the static order's best few
    # (whatever the taste thinks of them), so variety has films of other kinds to draw on.
    best = order[:HEAD]
    pool = best + [i for i in range(min(STATIC_HEAD, len(items))) if i not in best]
    head = diverse(pool, scores, [_kind(films[i][0]) for i in pool], first)
    chosen = set(head)
    return [items[i] for i in head] + [items[i] for i in order if i not in chosen] + [*tail]


def other_share(
    wish: Mapping[str, float],
    asked: Sequence[Mapping[str, Any]],
    other: Sequence[Mapping[str, Any]],
) -> float:
    """How much of a mood's films to draw from its other rules (``other``: "lift" when
    "match" was asked for, or the reverse) rather than the asked ones (``asked``), 0 to
    ``MOST_OTHER``: the viewer's ``wish`` in this mood (``Taste.wish``) scored against how each
    list's leading films feel. The asked rules are the prior: nothing moves until the
    viewer has said, in this mood, that the other kind of film suits them better (a sad
    viewer who turned down two devastating dramas "not in the mood" gets comforting films
    blended in; one who liked them keeps the dramas)."""
    if not wish:
        return 0.0
    gain = _feels(other[:FEEL_HEAD], wish) - _feels(asked[:FEEL_HEAD], wish)
    return min(MOST_OTHER, max(0.0, OTHER_GAIN * gain))


def _feels(movies: Sequence[Mapping[str, Any]], wish: Mapping[str, float]) -> float:
    """The wish's mean score over ``movies``: each film's feels' weights, summed."""
    if not movies:
        return 0.0
    total = 0.0
    for movie in movies:
        total += sum(wish.get(f, 0.0) for f in weighed(movie)[0] if f.startswith("feel:"))
    return total / len(movies)


_RARITY: dict[tuple[tuple[str, ...], ...], dict[str, float]] = {}


def _rarity(owns: Sequence[tuple[str, ...]]) -> dict[str, float]:
    """How rare each feature is among the films to rank, as an inverse document frequency
    scaled so that a feature every film has counts 1: a taste for a feature most of the
    films share (English, the United States, a film of medium length) moves them all alike
    and says little, while a liked feature few of them have (Animation among dramas) is the
    signal that sets a film apart. Remembered by the films' features (a mood's candidates
    are the same list for everyone; nothing about a viewer is in the key)."""
    key = tuple(owns)
    found = _RARITY.get(key)
    if found is None:
        counts: Counter[str] = Counter()
        for own in owns:
            counts.update(own)
        n = len(owns)
        found = {f: 1.0 + log((n + 1) / (c + 1)) for f, c in counts.items()}
        if len(_RARITY) >= 256:  # a few lists of films (moods, filters) at a time
            _RARITY.clear()
        _RARITY[key] = found
    return found


def diverse(
    order: Sequence[int], scores: Sequence[float], kinds: Sequence[int], first: int
) -> list[int]:
    """Maximal marginal relevance over ``order`` (indices, best first; ``kinds[k]`` the
    tones and genres of ``order[k]``, as bits): the first ``first`` picked greedily by score
    (rescaled to 0..1 over ``order``, so however strong a taste is, likeness can outweigh
    it) less ``DIVERSITY`` times the film's likeness (Jaccard: shared over all) to each film
    already picked, summed: every further film of one kind costs more, so a page never
    becomes one kind of film. Then the rest in score order."""
    if not order:
        return []
    low, high = min(scores[i] for i in order), max(scores[i] for i in order)
    span = (high - low) or 1.0
    worth = [(scores[i] - low) / span for i in order]  # less likeness to the films picked
    left = list(range(len(order)))
    sizes = [kind.bit_count() for kind in kinds]
    picked: list[int] = []
    while left and len(picked) < first:
        best = max(left, key=worth.__getitem__)
        left.remove(best)
        picked.append(best)
        chosen, size = kinds[best], sizes[best]
        for k in left:
            shared = (kinds[k] & chosen).bit_count()
            if shared:
                worth[k] -= DIVERSITY * shared / (sizes[k] + size - shared)
    left.sort(key=lambda k: -scores[order[k]])
    return [order[k] for k in picked + left]


_KINDS: dict[tuple[str, ...], int] = {}
_BITS: dict[str, int] = {}  # each tone and genre seen, its bit (a few dozen in all)


def _kind(own: tuple[str, ...]) -> int:
    """The film's tones and genres as a bit set (remembered, like its features)."""
    found = _KINDS.get(own)
    if found is None:
        if len(_KINDS) >= 50_000:
            _KINDS.clear()
        found = 0
        for feature in own:
            if group(feature) in ("tone", "genre"):
                found |= 1 << _BITS.setdefault(feature, len(_BITS))
        _KINDS[own] = found
    return found
