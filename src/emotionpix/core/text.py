"""Text normalisation shared by search, title indexes and cache keys."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower-case, accents and punctuation removed, "&" read as "and", spaces collapsed:
    "Amélie!" and "amelie" become the same string."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", plain).replace("_", " ").split())
