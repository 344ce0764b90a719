"""Emotion -> genre: the paper's table, as data that configuration can override."""

from __future__ import annotations

from collections.abc import Mapping

# The seven labels of the facial-expression models, in their output order.
EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

# The paper's Table (happy->Comedy ... fear->Horror). The paper lists six emotions; for the
# model's seventh, disgust, we chose Thriller: an absorbing, tense story that pulls attention
# away from what repels, in the same spirit as angry->Action (match the energy, redirect it).
DEFAULT_GENRES: dict[str, str] = {
    "happy": "Comedy",
    "sad": "Drama",
    "angry": "Action",
    "surprise": "Adventure",
    "neutral": "Drama",
    "fear": "Horror",
    "disgust": "Thriller",
}

# Words people (and other models) use for the same emotions.
ALIASES: dict[str, str] = {
    "happiness": "happy",
    "joy": "happy",
    "sadness": "sad",
    "anger": "angry",
    "surprised": "surprise",
    "fearful": "fear",
    "scared": "fear",
    "disgusted": "disgust",
    "calm": "neutral",
}


class UnknownEmotion(ValueError):
    """The label is not one of EMOTIONS (or an alias of one)."""


def normalise_emotion(label: str) -> str:
    """The canonical emotion for ``label`` ("Happiness " -> "happy")."""
    key = label.strip().lower()
    key = ALIASES.get(key, key)
    if key not in EMOTIONS:
        raise UnknownEmotion(label)
    return key


def build_mapping(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The default table with configured overrides applied; rejects unknown emotions."""
    mapping = dict(DEFAULT_GENRES)
    for label, genre in (overrides or {}).items():
        if not isinstance(genre, str) or not genre.strip():
            raise ValueError(f"genre for {label!r} must be a non-empty name")
        mapping[normalise_emotion(label)] = genre.strip()
    return mapping
