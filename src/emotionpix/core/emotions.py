"""The seven emotion labels, their one canonical order, and the words people use for them."""

from __future__ import annotations

# The labels of the facial-expression models, in their output order (FER2013's order).
EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

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
