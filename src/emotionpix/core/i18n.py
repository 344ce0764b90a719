"""Words for people in the viewer's language, without the domain knowing how.

The domain (reasons, error messages, mails) marks its text with ``gettext``/``ngettext``
here, so the extractor finds it; the web layer installs the real translator
(``emotionpix.web.i18n``, Flask-Babel, the request's locale). Until then, and outside a
request, the English text is returned as written. ``number`` formats a count the way the
viewer's language groups digits (12,34,567 in Hindi, 1,234,567 in English).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_translate: Callable[[str], str] = lambda message: message  # noqa: E731
_translate_plural: Callable[[str, str, int], str] = lambda one, other, n: one if n == 1 else other  # noqa: E731
_number: Callable[[float], str] = lambda value: f"{value:,}"  # noqa: E731
_translate_in: Callable[[str, str], str] = lambda context, message: message  # noqa: E731
_language: Callable[[str], str] = lambda name: name  # noqa: E731


def install(
    translate: Callable[[str], str],
    translate_plural: Callable[[str, str, int], str],
    number: Callable[[float], str],
    translate_in: Callable[[str, str], str],
) -> None:
    """Put the web layer's translator in place (the same functions for every app: they read
    the locale of the request they run in)."""
    global _translate, _translate_plural, _number, _translate_in
    _translate, _translate_plural, _number = translate, translate_plural, number
    _translate_in = translate_in


def install_language_names(name: Callable[[str], str]) -> None:
    """Put the web layer's names of films' languages in place ("Hindi" -> "हिन्दी")."""
    global _language
    _language = name


def language_name(name: str) -> str:
    """A film's language, given by its English name, as the viewer's language names it."""
    return _language(name)


def gettext(message: str, **params: Any) -> str:
    """``message`` in the viewer's language, with ``%(name)s`` placeholders filled."""
    text = _translate(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural form for ``n`` (``%(num)s`` is ``n``, formatted)."""
    return _translate_plural(singular, plural, n) % {"num": number(n), **params}


def pgettext(context: str, message: str, **params: Any) -> str:
    """``message`` in the sense ``context`` names (English "surprise" is a mood's name and a
    feeling; Hindi has two words)."""
    text = _translate_in(context, message)
    return text % params if params else text


def number(value: float) -> str:
    """A number grouped the viewer's way."""
    return _number(value)


def N_(message: str) -> str:
    """Marks text to be translated later, where it is shown (kept as written here)."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks text to be translated later with ``pgettext(context, message)``."""
    return message


# The words the page shows for the seven emotions, alone ("Happy") and in a phrase ("your
# happy mood"); translated where they are shown.
EMOTION_NAMES: dict[str, str] = {
    "happy": N_("happy"),
    "sad": N_("sad"),
    "angry": N_("angry"),
    "surprise": N_("surprise"),
    "neutral": N_("neutral"),
    "fear": N_("fear"),
    "disgust": N_("disgust"),
}
# The genres of the catalog and of TMDB, as the page names them (film data otherwise shows
# as the source wrote it).
GENRE_NAMES: dict[str, str] = {
    genre: genre
    for genre in (
        N_("Action"),
        N_("Adventure"),
        N_("Animation"),
        N_("Biography"),
        N_("Comedy"),
        N_("Crime"),
        N_("Documentary"),
        N_("Drama"),
        N_("Family"),
        N_("Fantasy"),
        N_("History"),
        N_("Horror"),
        N_("Music"),
        N_("Musical"),
        N_("Mystery"),
        N_("Romance"),
        N_("Sci-Fi"),
        N_("Science Fiction"),
        N_("Sport"),
        N_("Thriller"),
        N_("TV Movie"),
        N_("War"),
        N_("Western"),
    )
}


def emotion_name(emotion: str) -> str:
    """The viewer's word for an emotion label ("happy" -> "खुश" in Hindi)."""
    return gettext(EMOTION_NAMES.get(emotion, emotion))


def genre_name(genre: str) -> str:
    """The viewer's word for a genre, or the genre as given when it is not a known one."""
    return gettext(genre) if genre in GENRE_NAMES else genre
