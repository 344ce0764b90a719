"""The taste model: for every feature, how much evidence speaks for it and against it, overall
and per mood; a film's taste score is what its features' weights add up to.

Why this model. A viewer gives a handful of signals, each about one film with a dozen
features, so the model must learn from five events, stay interpretable (a reason can name
the film a pick resembles) and give the same page for the same inputs (paging with a seed).
Each feature's weight is the posterior mean of a Beta-Bernoulli "does this viewer like films
with it" with a symmetric prior of ``PRIOR`` pseudo-events, rescaled to -1..1:
``(for - against) / (for + against + PRIOR)``, a like counting ``LIKED`` and a "not for me"
one, so one like moves a feature to 0.35 and five to 0.73, and evidence against pulls it
back. The static mood rules are the prior for the ranking itself: the mood's pool keeps its
order (``rerank``), and the taste only moves films within it, in proportion to the
evidence. Per mood: a signal given in a mood counts in that mood's scope as well as
overall, so "sad, and wants cheering up" is learned where it was said, while what a viewer
likes anywhere helps everywhere (except how a film feels, its tone groups: that is learned
per mood only, ``MOOD_ONLY``). That per-mood wish also chooses between the mood's two sets
of rules: where a viewer's signals in a mood say the films of its other rules ("lift" for
"match") feel more as they want, those are blended in (``Taste.wish``,
``rerank.other_share``), the asked rules staying the prior. A reason teaches what it names
and nothing else ("not my taste" the kind of film and its time, "not in the mood" how it
feels, "too old" the film's decade and older ones). A Thompson-sampling bandit was
considered (the issue's suggestion); sampling makes pages change between identical requests
and needs many more events per arm than a viewer gives in a week, so exploration here comes
from the seeded variety the static ranking already has (``rerank``'s jitter) and from the
variety kept on the first page (maximal marginal relevance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from typing import Any

from emotionpix.core.emotions import EMOTIONS
from emotionpix.taste.features import DARK, features, group, grouped, kin

VERDICTS = ("like", "dislike")
# The one-tap reasons of "Not for me", and what each tells against.
REASONS: dict[str, str] = {
    "seen": "seen it",
    "not-in-mood": "not in the mood for it",
    "not-my-taste": "not my taste",
    "too-long": "too long",
    "too-old": "too old",
    "too-dark": "too dark",
    "not-my-language": "not my language",
}
# Signals that are not feedback: a film put on the watchlist, a film marked as seen.
IMPLICIT: dict[str, float] = {"watchlist": 0.5, "seen": 0.25}
PRIOR = 1.5  # pseudo-events behind every weight (the Beta prior's strength)
CROWD_PRIOR = 6.0  # ... behind a weight the members' crowd has a word on (taste.crowd)
MOOD_SCOPE = 1.0  # how much a mood's own evidence counts on top of the overall evidence
# The weight of a like's evidence on each of the film's features: less than a "not for me",
# which a viewer gives for one thing that put them off, where a like spreads over every
# feature of the film, most of them not why it was liked (measured: bench_taste.py).
LIKED = 0.8
TARGETED = 1.5  # the weight of a reason's evidence on the features it names
UNSAID = 1.0  # the weight of a "not for me" without a reason, on each of the film's features
# What a reason is about: "not my taste" the kind of film and its time (the viewer had "too
# old", "too long" and "not my language" to name the rest, but no "too new": one put off by
# a recent film says "not my taste"), "not in the mood for it" how it feels.
KIND = frozenset({"tone", "feel", "genre", "person", "decade", "era"})
FEEL = frozenset({"tone", "feel", "genre"})
NEAR = 0.5  # of a signal on a film's decade, what the decades either side of it get
OLDEST = 1900  # "too old" tells against the film's decade and every decade back to this
# How a film feels (light, heavy, tense, thoughtful) is what a mood asks for: a signal given
# in a mood teaches it in that mood only (one who wants cheering up when sad may want to
# wallow another day). Its tones, like its genres, are the viewer's taste everywhere.
MOOD_ONLY = frozenset({"feel"})
# Bounds: what one viewer's taste may hold.
MAX_FEATURES = 150  # overall
MAX_MOOD_FEATURES = 40  # per mood
MAX_NEVER = 500  # films never shown again
MAX_AWAY = 60  # per mood: films not wanted in it
MAX_LIKED = 8  # recent likes remembered for reasons
RESEMBLES = 3  # shared tones, genres and people before a reason names a liked film
OVERALL = "*"


@dataclass(frozen=True)
class Signal:
    """Something the viewer said about a film (its id, title and ``features``): ``verdict``
    is "like", "dislike", "watchlist" or "seen"; ``reason`` one of REASONS (dislikes);
    ``emotion`` the mood it was said in."""

    film_id: str
    title: str
    features: tuple[str, ...]
    verdict: str
    reason: str | None = None
    emotion: str | None = None

    @classmethod
    def about(
        cls,
        movie: Mapping[str, Any],
        verdict: str,
        reason: str | None = None,
        emotion: str | None = None,
    ) -> Signal:
        """A signal about ``movie`` (its record)."""
        title = str(movie.get("title") or "")
        return cls(str(movie.get("id")), title, features(movie), verdict, reason, emotion)


@dataclass
class Taste:
    """What one viewer's signals taught: evidence ``counts[scope][feature] = [for,
    against]`` (scope ``*`` or a mood), films ``never`` to show again, films not wanted in a
    mood (``away``), the recent likes ``liked`` as (id, title, features), and how many
    signals built it."""

    counts: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    never: dict[str, None] = field(default_factory=dict)  # a dict keeps the order: oldest first
    away: dict[str, dict[str, None]] = field(default_factory=dict)
    liked: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    events: int = 0

    @property
    def learned(self) -> bool:
        """Whether there are weights to rank by (not only films to hide)."""
        return any(self.counts.values())

    def hidden(self, emotion: str) -> frozenset[str]:
        """The films not to show in ``emotion``'s grid."""
        return frozenset(self.never).union(self.away.get(emotion, {}))

    def weight(self, feature: str, emotion: str | None = None) -> float:
        """-1..1: how much the viewer likes films with ``feature`` (in ``emotion``)."""
        pro = con = 0.0
        for scope, share in ((OVERALL, 1.0), (emotion, MOOD_SCOPE)):
            found = self.counts.get(scope or "", {}).get(feature)
            if found:
                pro, con = pro + share * found[0], con + share * found[1]
        return (pro - con) / (pro + con + PRIOR)

    def weights(
        self, emotion: str | None = None, prior: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """Every feature with evidence (or a ``prior``), and its weight in ``emotion``.
        ``prior``: each feature's weight before the viewer's own evidence (the crowd's,
        ``taste.crowd``; none: 0), which that evidence outweighs as it grows."""
        overall = self.counts.get(OVERALL, {})
        mood = self.counts.get(emotion or "", {})
        found = {}
        for feature in {*overall, *mood}:  # as ``weight`` does, in one pass (every request)
            pro = con = 0.0
            for counts, share in ((overall, 1.0), (mood, MOOD_SCOPE)):
                pair = counts.get(feature)
                if pair:
                    pro, con = pro + share * pair[0], con + share * pair[1]
            crowd = prior.get(feature) if prior else None
            if crowd is None:
                found[feature] = (pro - con) / (pro + con + PRIOR)
            else:  # the crowd's weight, as CROWD_PRIOR pseudo-events
                found[feature] = (pro - con + CROWD_PRIOR * crowd) / (pro + con + CROWD_PRIOR)
        if prior:
            return {**prior, **found}
        return found

    def wish(self, emotion: str) -> dict[str, float]:
        """How the viewer wants films to feel in ``emotion`` (light, heavy, tense,
        thoughtful: -1..1), from what they said in that mood alone: "sad, and wants cheering
        up" or "sad, and wants to wallow" (``feel`` is learned per mood only)."""
        counts = self.counts.get(emotion, {})
        return {
            f: (pro - con) / (pro + con + PRIOR)
            for f, (pro, con) in counts.items()
            if group(f) == "feel"
        }

    def score(
        self,
        movie: Mapping[str, Any],
        emotion: str | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> float:
        """The film's taste score: each group's weights summed over its features (divided by
        the square root of their number), times the group's weight (``grouped``).
        ``weights``: this taste's ``weights(emotion)``, when scoring many films."""
        weights = self.weights(emotion) if weights is None else weights
        return self.score_of(features(movie), weights)

    @staticmethod
    def score_of(own: tuple[str, ...], weights: Mapping[str, float]) -> float:
        """``score`` of a film whose features are ``own``."""
        names, factors = grouped(own)
        return float(sum(map(mul, factors, map(weights.get, names, repeat(0.0)))))

    def resembles(self, movie: Mapping[str, Any]) -> str | None:
        """The title of the liked film this one shares most with (at least ``RESEMBLES``
        tones, genres and people, a genre among them), for a reason ("…, like Up, which you
        liked"); None if none does."""
        own = kin(features(movie))
        best, most = None, RESEMBLES - 1
        for film_id, title, liked in self.liked:
            shared = own.intersection(liked)
            if (
                len(shared) > most
                and film_id != movie.get("id")
                and any(f.startswith("genre:") for f in shared)
            ):
                best, most = title, len(shared)
        return best

    def top(self, limit: int = 8) -> list[dict[str, Any]]:
        """The features with the strongest weights overall, for the viewer to see."""
        ranked = sorted(self.counts.get(OVERALL, {}), key=lambda f: -abs(self.weight(f)))
        return [{"feature": f, "weight": round(self.weight(f), 2)} for f in ranked[:limit]]


def learn(signals: Iterable[Signal], taste: Taste | None = None) -> Taste:
    """The taste after ``signals``, oldest first (a new Taste, or ``taste`` updated)."""
    taste = taste if taste is not None else Taste()
    for signal in signals:
        _learn_one(taste, signal)
    bound(taste)
    return taste


def _learn_one(taste: Taste, signal: Signal) -> None:
    emotion = signal.emotion if signal.emotion in EMOTIONS else None
    film_id, own = signal.film_id, signal.features
    taste.events += 1
    if signal.verdict in IMPLICIT:
        _add(taste, OVERALL, own, IMPLICIT[signal.verdict])
        return
    if signal.verdict == "like":
        _add(taste, OVERALL, _beyond(own, emotion), LIKED)
        _add(taste, emotion, own, LIKED)
        taste.never.pop(film_id, None)
        for ids in taste.away.values():
            ids.pop(film_id, None)
        taste.liked = [(film_id, signal.title, own)] + [
            item for item in taste.liked if item[0] != film_id
        ]
        return
    reason = signal.reason
    if reason == "not-in-mood":  # only this mood: out of its grid, against how it feels
        if emotion is not None:
            _keep(taste.away.setdefault(emotion, {}), film_id)
            _add(taste, emotion, [f for f in own if group(f) in FEEL], -1.0)
        return
    _keep(taste.never, film_id)
    taste.liked = [item for item in taste.liked if item[0] != film_id]
    if reason == "seen":  # says nothing about taste
        return
    named = {
        "too-long": [f for f in own if f == "length:long"],
        "too-old": _older(own),
        "too-dark": [f for f in own if f.removeprefix("tone:") in DARK],
        "not-my-language": [f for f in own if group(f) == "language"],
    }.get(reason or "")
    if named is not None:
        _add(taste, OVERALL, named, -TARGETED, near=False)
        return
    if reason == "not-my-taste":
        own, amount = tuple(f for f in own if group(f) in KIND), -1.0
    else:
        amount = -UNSAID
    _add(taste, OVERALL, _beyond(own, emotion), amount)
    _add(taste, emotion, own, amount)


def _beyond(own: tuple[str, ...], emotion: str | None) -> tuple[str, ...]:
    """What a signal said in ``emotion`` teaches beyond that mood: not how the film feels
    (``MOOD_ONLY``), unless it was said in no mood."""
    return own if emotion is None else tuple(f for f in own if group(f) not in MOOD_ONLY)


def _older(own: Iterable[str]) -> list[str]:
    """The decades a "too old" tells against: the film's, and every one before it."""
    decades = [d for d in map(_decade, own) if d is not None]
    return [f"decade:{d}" for d in range(max(decades, default=OLDEST - 10), OLDEST - 10, -10)]


def _decade(feature: str) -> int | None:
    """1990 for ``decade:1990``; None for any other feature (or a stored one gone odd)."""
    kind, _, value = feature.partition(":")
    return int(value) if kind == "decade" and value.isascii() and value.isdigit() else None


def _add(
    taste: Taste, scope: str | None, own: Iterable[str], amount: float, near: bool = True
) -> None:
    if scope is None:
        return
    counts = taste.counts.setdefault(scope, {})
    side = 0 if amount > 0 else 1
    for feature in own:
        counts.setdefault(feature, [0.0, 0.0])[side] += abs(amount)
        decade = _decade(feature) if near and NEAR else None
        if decade is not None:
            for other in (decade - 10, decade + 10):
                counts.setdefault(f"decade:{other}", [0.0, 0.0])[side] += NEAR * abs(amount)


@dataclass(frozen=True)
class Limits:
    """The most one taste may hold (a guest's, carried in every request, holds less)."""

    features: int = MAX_FEATURES
    mood_features: int = MAX_MOOD_FEATURES
    never: int = MAX_NEVER
    away: int = MAX_AWAY
    liked: int = MAX_LIKED


def bound(taste: Taste, limits: Limits = Limits()) -> Taste:
    """Keep the taste within ``limits``: the features with the most evidence, the newest
    hidden films, the recent likes."""
    for scope, counts in list(taste.counts.items()):
        most = limits.features if scope == OVERALL else limits.mood_features
        if len(counts) > most:
            kept = sorted(counts, key=lambda f: (-sum(counts[f]), f))[:most]
            taste.counts[scope] = {f: counts[f] for f in kept}
        if not taste.counts[scope]:
            del taste.counts[scope]
    taste.never = _newest(taste.never, limits.never)
    taste.away = {e: _newest(ids, limits.away) for e, ids in taste.away.items() if ids}
    taste.liked = taste.liked[: limits.liked]
    return taste


def _keep(ids: dict[str, None], film_id: str) -> None:
    """Add ``film_id`` as the newest."""
    ids.pop(film_id, None)
    ids[film_id] = None


def _newest(ids: dict[str, None], most: int) -> dict[str, None]:
    return dict.fromkeys(list(ids)[-most:]) if len(ids) > most else ids
