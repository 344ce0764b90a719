"""Emotion -> genre: the paper's table, as data that configuration can override."""

from __future__ import annotations

from collections.abc import Mapping

from emotionpix.core.emotions import normalise_emotion

# The paper's Table (happy->Comedy ... fear->Horror). The paper lists six emotions; for the
# model's seventh, disgust, we chose Thriller: an absorbing, tense story that pulls attention
# away from what repels, in the same spirit as angry->Action (match the energy, redirect it).
# The order is the one the page shows the moods in.
DEFAULT_GENRES: dict[str, str] = {
    "happy": "Comedy",
    "sad": "Drama",
    "angry": "Action",
    "surprise": "Adventure",
    "neutral": "Drama",
    "fear": "Horror",
    "disgust": "Thriller",
}


def build_mapping(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The default table with configured overrides applied; rejects unknown emotions."""
    mapping = dict(DEFAULT_GENRES)
    for label, genre in (overrides or {}).items():
        if not isinstance(genre, str) or not genre.strip():
            raise ValueError(f"genre for {label!r} must be a non-empty name")
        mapping[normalise_emotion(label)] = genre.strip()
    return mapping
