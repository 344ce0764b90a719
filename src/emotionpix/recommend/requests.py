"""What a request may ask the recommender for: each check returns the value to use or raises
``InvalidInput`` with the code the API answers with."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.errors import InvalidInput
from emotionpix.core.i18n import gettext
from emotionpix.core.text import normalise
from emotionpix.recommend.moods import MODES

MAX_QUERY_LENGTH = 200
MAX_PAGE = 1000
MAX_SEED = 2**31 - 1


def checked_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInput(
            gettext(
                "mode must be one of: %(choices)s; got %(mode)s.",
                choices=", ".join(MODES),
                mode=repr(mode),
            ),
            code="invalid_mode",
        )
    return mode


def checked_emotion(label: str, known: Iterable[str]) -> str:
    """The normalised label; the error names the ``known`` ones."""
    try:
        return normalise_emotion(label)
    except UnknownEmotion:
        raise InvalidInput(
            gettext(
                "Unknown emotion %(label)s. Use one of: %(choices)s.",
                label=repr(label),
                choices=", ".join(known),
            ),
            code="invalid_emotion",
        ) from None


def checked_probabilities(probabilities: Mapping[str, float]) -> dict[str, float]:
    """The probabilities by normalised emotion: each emotion once, each from 0 to 1."""
    checked: dict[str, float] = {}
    for label, p in probabilities.items():
        try:
            emotion = normalise_emotion(label)
        except UnknownEmotion:
            raise InvalidInput(
                gettext("Unknown emotion %(label)s in emotions.", label=repr(label)),
                code="invalid_emotions",
            ) from None
        if not isinstance(p, int | float) or not 0 <= p <= 1 or emotion in checked:
            raise InvalidInput(
                gettext("emotions gives each emotion once, with a probability from 0 to 1."),
                code="invalid_emotions",
            )
        checked[emotion] = float(p)
    return checked


def checked_seed(page: int, seed: int | None) -> int:
    """``seed``, or a fresh one; InvalidInput for a page or seed out of range."""
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(
            gettext("page must be between 1 and %(limit)s.", limit=MAX_PAGE), code="invalid_page"
        )
    if seed is None:
        return random.randint(0, MAX_SEED)
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(
            gettext("seed must be between 0 and %(limit)s.", limit=MAX_SEED), code="invalid_seed"
        )
    return seed


def checked_query(query: str) -> str:
    """The query normalised (case, accents, spaces), as search results are cached under it."""
    key = normalise(query or "")
    if not key:
        raise InvalidInput(gettext("Type part of a movie title to search."), code="empty_query")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            gettext("Search text is limited to %(limit)s characters.", limit=MAX_QUERY_LENGTH),
            code="query_too_long",
        )
    return key
