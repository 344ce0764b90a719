"""Text normalisation shared by search, title indexes and cache keys."""

from __future__ import annotations

import unicodedata

# Indian scripts (Devanagari to Malayalam): their vowel signs and viramas are combining marks
# that belong to the word; only the nukta (क़ = क + ◌़) is dropped, as people type ख़ुशी and
# खुशी alike.
_INDIC = range(0x0900, 0x0D80)
_NUKTAS = {"\u093c", "\u09bc", "\u0a3c", "\u0abc", "\u0b3c", "\u0cbc"}


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def normalise(text: str) -> str:
    """Lower-case, accents and punctuation removed, "&" read as "and", spaces collapsed:
    "Amélie!" and "amelie" become the same string. Words in other scripts keep their vowel
    signs ("शोले" stays one word)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base = ""
    for ch in decomposed:
        if _is_mark(ch):
            # An accent on a Latin, Greek or Cyrillic letter goes; a vowel sign stays.
            if ord(base[:1] or " ") in _INDIC and ch not in _NUKTAS:
                kept.append(ch)
            continue
        base = ch
        kept.append(ch)
    plain = "".join(kept).casefold().replace("&", " and ")
    plain = plain.replace("'", "").replace("\u2019", "")
    words = "".join(ch if ch.isalnum() or _is_mark(ch) else " " for ch in plain)
    return " ".join(words.split())
