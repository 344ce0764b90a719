"""What the members who let the app learn like, taken together: a prior for every viewer's
taste (collaborative filtering at its plainest).

The static mood rules say what a mood's films should be; they do not know that, say, the
app's viewers take older films or lifting ones more often than the rules assume. The crowd
does: ``gather`` learns each member's taste from their kept signals (``model.learn``), adds
them up feature by feature — each member's evidence on a feature capped at ``PER_MEMBER``, so
no one account steers everyone's grids — and keeps only the features at least
``MIN_MEMBERS`` members said something about (a feature one member's signals alone reveal is
never used), and never people (``UNSHARED``). A feature's crowd weight is how much more
often than the rest of its group (tones against tones, decades against decades, in the same
mood) it was liked, shrunk towards none by ``SHRINK`` pseudo-events and rescaled to -1..1.
``Taste.weights`` takes it as the prior mean of each weight: a viewer with no signals is
ranked by the crowd, and their own evidence takes over as it grows. Guests never add to it
(their taste is never kept); a member's signals leave it at the next rebuild after they go
(``Crowds``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from emotionpix.core.emotions import EMOTIONS
from emotionpix.taste.features import group
from emotionpix.taste.model import OVERALL, Signal, learn

MIN_MEMBERS = 5  # members with evidence on a feature before the crowd says anything about it
# What the crowd speaks of: kinds of film (tones, feel, genres, time, language, countries,
# length), not people. A person's films are few and rare among a mood's (rarity would make a
# handful of accounts that praise one director put their films atop everyone's grids), and a
# taste for one actor is the viewer's own to show.
UNSHARED = frozenset({"person"})
PER_MEMBER = 2.0  # the most evidence one member gives a feature (likes and dislikes together)
SHRINK = 20.0  # pseudo-events at the group's own like rate behind every crowd weight
REFRESH = 600.0  # seconds between rebuilds
RETRY = 30.0  # seconds before trying again when the signals could not be read


@dataclass(frozen=True)
class Crowd:
    """The crowd's weights per scope (``*`` or a mood) and how many members they came from;
    ``prior(emotion)`` is what ``Taste.weights`` starts each weight from."""

    weights: Mapping[str, Mapping[str, float]]
    members: int
    _priors: dict[str | None, dict[str, float]] = field(default_factory=dict, compare=False)

    def prior(self, emotion: str | None) -> Mapping[str, float]:
        """The crowd's weights in ``emotion``: its weights in that mood where it has them,
        else its weights overall (computed once per mood)."""
        found = self._priors.get(emotion)
        if found is None:
            found = {**self.weights.get(OVERALL, {}), **self.weights.get(emotion or "", {})}
            self._priors[emotion] = found
        return found

    def __bool__(self) -> bool:
        return any(self.weights.values())


def gather(members: Iterable[Sequence[Signal]]) -> Crowd:
    """The crowd of ``members`` (each one's signals, oldest first)."""
    counts: dict[str, dict[str, list[float]]] = {}
    voices: dict[str, dict[str, int]] = {}
    n = 0
    for signals in members:
        if not signals:
            continue
        n += 1
        for scope, own in learn(signals).counts.items():
            summed, heard = counts.setdefault(scope, {}), voices.setdefault(scope, {})
            for feature, (pro, con) in own.items():
                said = pro + con
                if not said or group(feature) in UNSHARED:
                    continue
                scale = min(1.0, PER_MEMBER / said)
                pair = summed.setdefault(feature, [0.0, 0.0])
                pair[0] += pro * scale
                pair[1] += con * scale
                heard[feature] = heard.get(feature, 0) + 1
    weights = {
        scope: _centred({f: p for f, p in summed.items() if voices[scope][f] >= MIN_MEMBERS})
        for scope, summed in counts.items()
        if scope == OVERALL or scope in EMOTIONS
    }
    return Crowd({scope: found for scope, found in weights.items() if found}, n)


def _centred(counts: Mapping[str, list[float]]) -> dict[str, float]:
    """Each feature's like rate against its group's (-1..1), shrunk towards the group's."""
    totals: dict[str, list[float]] = {}
    for feature, (pro, con) in counts.items():
        total = totals.setdefault(group(feature), [0.0, 0.0])
        total[0] += pro
        total[1] += con
    found = {}
    for feature, (pro, con) in counts.items():
        liked, disliked = totals[group(feature)]
        rate = liked / (liked + disliked)
        weight = 2 * ((pro + SHRINK * rate) / (pro + con + SHRINK) - rate)
        if weight:
            found[feature] = weight
    return found


class Crowds:
    """The current crowd, rebuilt from ``read()`` (every member's signals, or None when
    they cannot be read) at most every ``refresh`` seconds. With ``behind`` (the app's
    default) the rebuild runs on a thread of its own (20,000 signals take a second or two)
    and every request goes on with the crowd there was (none before the first is built);
    without it (``refresh`` 0: tests) the call that finds it due rebuilds it. When the
    signals cannot be read the last crowd stays, and the next try is ``RETRY`` seconds
    later."""

    def __init__(
        self,
        read: Callable[[], Iterable[Sequence[Signal]] | None],
        refresh: float = REFRESH,
        clock: Callable[[], float] = time.monotonic,
        behind: bool = False,
    ) -> None:
        self.read, self.refresh, self.clock, self.behind = read, refresh, clock, behind
        self._crowd: Crowd | None = None
        self._due = float("-inf")
        self._lock = threading.Lock()  # held by the one rebuild under way

    def current(self) -> Crowd | None:
        """The crowd to rank with (None while there is none: too few members)."""
        if self.clock() >= self._due and self._lock.acquire(blocking=False):
            if self.behind:
                threading.Thread(target=self._rebuild, name="crowd", daemon=True).start()
            else:
                self._rebuild()
        return self._crowd

    def _rebuild(self) -> None:
        try:
            self._due = self.clock() + min(RETRY, self.refresh)  # should this one fail
            members = self.read()
            if members is not None:
                crowd = gather(members)
                self._crowd = crowd if crowd else None
                self._due = self.clock() + self.refresh
        finally:
            self._lock.release()
