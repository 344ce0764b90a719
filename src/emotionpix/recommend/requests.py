"""What a request may ask the recommender for: each check returns the value to use or raises
``InvalidInput`` with the code the API answers with."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.errors import InvalidInput
from emotionpix.core.filters import Choices
from emotionpix.core.i18n import gettext
from emotionpix.core.text import normalise
from emotionpix.core.tones import NOTES, TONES
from emotionpix.providers.codes import LANGUAGES, language_code
from emotionpix.recommend.moods import MODES

MAX_QUERY_LENGTH = 200
MAX_PAGE = 1000
MAX_SEED = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 1900, 2100
MIN_RUNTIME, MAX_RUNTIME = 30, 600
FLAGS = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False, "": False}


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


def checked_tones(tags: Iterable[str]) -> frozenset[str]:
    """The tones and content notes a viewer wants left out ("harrowing", "gory",
    "sexual-violence"); InvalidInput naming any the vocabulary lacks."""
    wanted = frozenset(tag.strip().lower() for tag in tags if tag.strip())
    unknown = sorted(wanted - set(TONES) - set(NOTES))
    if unknown:
        raise InvalidInput(
            gettext(
                "Unknown tone %(tone)s: exclude_tones takes tones and content notes such as "
                "harrowing, gory or sexual-violence.",
                tone=repr(unknown[0]),
            ),
            code="invalid_tones",
        )
    return wanted


def checked_choices(
    languages: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    max_runtime: int | None = None,
    family: str | None = None,
) -> Choices:
    """The viewer's filters from the API's text (``languages=hi,en&from=1990&to=2014
    &max_runtime=120&family=1``); InvalidInput naming what is wrong."""
    names: list[str] = []
    for code in (languages or "").split(","):
        code = code.strip().lower()
        if not code:
            continue
        name = next((n for n, c in LANGUAGES.items() if code in (c, n.casefold())), None)
        if name is None:
            raise InvalidInput(
                gettext(
                    "languages takes ISO 639-1 codes separated by commas, such as hi,en; "
                    "%(code)s is not one of: %(choices)s.",
                    code=repr(code[:20]),
                    choices=", ".join(sorted(LANGUAGES.values())),
                ),
                code="invalid_languages",
            )
        if name not in names:
            names.append(name)
    for year, which in ((year_from, "from"), (year_to, "to")):
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput(
                gettext(
                    "%(which)s must be a year from %(first)s to %(last)s.",
                    which=which,
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                ),
                code=f"invalid_{which}",
            )
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidInput(gettext("from must not be after to."), code="invalid_years")
    if max_runtime is not None and not MIN_RUNTIME <= max_runtime <= MAX_RUNTIME:
        raise InvalidInput(
            gettext(
                "max_runtime must be from %(least)s to %(most)s minutes.",
                least=MIN_RUNTIME,
                most=MAX_RUNTIME,
            ),
            code="invalid_max_runtime",
        )
    flag = (family or "").strip().lower()
    if flag not in FLAGS:
        raise InvalidInput(gettext("family must be 1 or 0."), code="invalid_family")
    return Choices(tuple(names), year_from, year_to, max_runtime, FLAGS[flag])


# The languages a viewer may choose, as (code, name), by name.
LANGUAGE_OPTIONS = sorted(((code, name) for name, code in LANGUAGES.items()), key=lambda o: o[1])


def language_codes(names: Iterable[str]) -> list[str]:
    """ "Hindi", "English" -> "hi", "en"."""
    return [language_code(name) for name in names]
