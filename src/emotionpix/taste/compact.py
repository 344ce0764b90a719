"""A guest's taste as the browser keeps it (localStorage) and sends it (the ``taste``
parameter): JSON, compressed, base64url — a few hundred bytes, at most ``MAX_TEXT``
characters (the app refuses addresses over 2,048: the grid's other parameters fit beside it;
a taste that would grow past it loses its weakest features and oldest hidden films first).
The server reads it for one request and keeps nothing; since anyone can send anything,
``decode`` checks every part (sizes, names, numbers) and refuses the rest."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Collection
from dataclasses import astuple
from typing import Any

from emotionpix.core.emotions import EMOTIONS
from emotionpix.core.errors import InvalidInput
from emotionpix.taste.features import GROUPS
from emotionpix.taste.model import OVERALL, Limits, Taste, bound

VERSION = 1
MAX_TEXT = 1600  # characters of the parameter
MAX_JSON = 32 * 1024  # bytes it may inflate to
GUEST = Limits(features=80, mood_features=20, never=120, away=30, liked=5)
SHRINK = 0.8  # what each try keeps of every bound, until the text fits
FILM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
FEATURE = re.compile(rf"(?:{'|'.join(GROUPS)}):[^\x00-\x1f]{{1,80}}")
# The same, for many at once (joined by newlines, which neither may hold): one match a taste.
FEATURES = re.compile(rf"(?:{FEATURE.pattern}\n)*")
FILM_IDS = re.compile(rf"(?:{FILM_ID.pattern}\n)*")
MOST_EVIDENCE = 10_000.0


def encode(taste: Taste) -> str:
    """The guest form of ``taste``: bounded to ``GUEST``, then tighter until it fits in
    ``MAX_TEXT``."""
    limits = GUEST
    while True:
        text = _encode(bound(taste, limits))
        if len(text) <= MAX_TEXT:
            return text
        limits = Limits(*(int(most * SHRINK) for most in astuple(limits)))


def _encode(taste: Taste) -> str:
    data = {
        "v": VERSION,
        "c": {
            scope: {f: [round(x, 2) for x in pc] for f, pc in c.items()}
            for scope, c in taste.counts.items()
        },
        "n": list(taste.never),
        "a": {emotion: list(ids) for emotion, ids in taste.away.items()},
        "l": [[film_id, title[:120], list(own)] for film_id, title, own in taste.liked],
        "e": taste.events,
    }
    raw = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> Taste:
    """The taste a guest sent; InvalidInput (``invalid_taste``) for anything else."""
    if len(text) > MAX_TEXT:
        raise _invalid(f"taste is limited to {MAX_TEXT} characters")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        plain = inflater.decompress(raw, MAX_JSON)
        if inflater.unconsumed_tail:
            raise _invalid("taste inflates too far")
        data = json.loads(plain)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise _invalid("taste is not one this app wrote") from exc
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise _invalid("taste is not one this app wrote")
    taste = Taste(
        counts=_counts(data.get("c")),
        never=dict.fromkeys(_ids(data.get("n"), GUEST.never)),
        away={e: dict.fromkeys(_ids(ids, GUEST.away)) for e, ids in _moods(data.get("a")).items()},
        liked=_liked(data.get("l")),
        events=_whole(data.get("e")),
    )
    return bound(taste, GUEST)


def _invalid(why: str) -> InvalidInput:
    return InvalidInput(
        f"{why}: send back what /api/feedback returned, or nothing.", code="invalid_taste"
    )


def _counts(raw: Any) -> dict[str, dict[str, list[float]]]:
    scopes = _mapping(raw, 1 + len(EMOTIONS))
    counts: dict[str, dict[str, list[float]]] = {}
    for scope, features in scopes.items():
        if scope != OVERALL and scope not in EMOTIONS:
            raise _invalid(f"taste names an unknown mood {scope[:20]!r}")
        most = GUEST.features if scope == OVERALL else GUEST.mood_features
        table = _mapping(features, most)
        if not _all_match(FEATURES, table):
            raise _invalid("taste names an unknown feature")
        pairs = list(table.values())
        if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
            raise _invalid("taste's evidence must be pairs of numbers")
        _amounts([x for pair in pairs for x in pair])
        counts[scope] = {f: [float(pro), float(con)] for f, (pro, con) in table.items()}
    return counts


def _mapping(raw: Any, most: int) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > most:
        raise _invalid("taste is larger than a taste can be")
    return raw


def _moods(raw: Any) -> dict[str, Any]:
    found = _mapping(raw, len(EMOTIONS))
    if any(emotion not in EMOTIONS for emotion in found):
        raise _invalid("taste names an unknown mood")
    return found


def _ids(raw: Any, most: int) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > most:
        raise _invalid("taste holds too many films")
    if not (all(type(i) is str for i in raw) and _all_match(FILM_IDS, raw)):
        raise _invalid("taste names a film id that is not one")
    return list(raw)


def _liked(raw: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > GUEST.liked:
        raise _invalid("taste holds too many liked films")
    liked = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 3):
            raise _invalid("taste's liked films must be [id, title, features]")
        film_id, title, own = item
        _ids([film_id], 1)
        if not isinstance(title, str) or len(title) > 120 or not isinstance(own, list):
            raise _invalid("taste's liked films must be [id, title, features]")
        if len(own) > 40 or not (all(type(f) is str for f in own) and _all_match(FEATURES, own)):
            raise _invalid("taste names an unknown feature")
        liked.append((film_id, title, tuple(own)))
    return liked


def _all_match(pattern: re.Pattern[str], texts: Collection[str]) -> bool:
    """Whether every one of ``texts`` is what ``pattern`` (``FEATURES``, ``FILM_IDS``)
    repeats: checked in one match, as a guest's taste is on every request."""
    joined = "\n".join(texts) + "\n" if texts else ""
    # a newline inside one would split it in two that each match: counted, so refused
    return joined.count("\n") == len(texts) and pattern.fullmatch(joined) is not None


def _amounts(numbers: list[Any]) -> None:
    """Refuse anything but numbers of evidence (checked together: a taste holds hundreds)."""
    if not {type(x) for x in numbers} <= {float, int}:  # a bool is no int here
        raise _invalid("taste's evidence must be numbers")
    if not all(0 <= x <= MOST_EVIDENCE for x in numbers):  # NaN is in no range
        raise _invalid("taste's evidence is out of range or not a number")


def _whole(raw: Any) -> int:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 10**6 else 0
