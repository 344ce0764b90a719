"""What a film feels like: the tone vocabulary, how films end, how strong their violence, fear
and sadness are, and the content notes a viewer may want before pressing play.

Every film profile (the catalog's hand-written table, or one mapped from a provider's
keywords) speaks only these words, and every mood rule (``recommend/moods.json``) is checked
against them at start-up. Each tag has a one-line definition: the labeller's guide, and what
the page shows when a viewer asks what a tag means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from emotionpix.core.i18n import N_, NP_, pgettext

TONES: dict[str, str] = {
    "feel-good": N_("leaves you happier than you started"),
    "funny": N_("made to make you laugh, and it does, often"),
    "heartwarming": N_("warmth and kindness between people at its centre"),
    "romantic": N_("a love story is at its heart"),
    "whimsical": N_("playful and fanciful, lightly unreal"),
    "comforting": N_("gentle and safe, low stakes; a film to curl up with"),
    "nostalgic": N_("looks back fondly on a time, a place or childhood"),
    "bittersweet": N_("joy and sorrow mixed, especially by the end"),
    "melancholic": N_("a quiet, wistful sadness runs through it"),
    "moving": N_("stirs deep feeling; tears are likely"),
    "devastating": N_("a crushing loss or sorrow that stays after the credits"),
    "harrowing": N_("shows suffering that is hard to watch"),
    "bleak": N_("little hope; a grim view of people or the world"),
    "dark": N_("sinister or morbid themes, even when told with humour"),
    "violent": N_("violence is frequent or graphic"),
    "tense": N_("sustained suspense; you hold your breath"),
    "scary": N_("sets out to frighten, and does"),
    "disturbing": N_("unsettling or transgressive; it stays with you"),
    "gory": N_("graphic blood and bodily harm"),
    "thought-provoking": N_("leaves you with questions worth thinking about"),
    "absorbing": N_("draws you in and holds you; an engrossing story"),
    "inspiring": N_("people rise to something; it makes you want to act"),
    "uplifting": N_("lifts the spirit; hope wins"),
    "cathartic": N_("lets a strong feeling out and leaves you lighter"),
    "exciting": N_("thrills and momentum: chases, fights, races, heists"),
    "epic": N_("grand in scale, sweeping in time or place"),
    "mind-bending": N_("plays with reality, time or identity; a puzzle"),
    "quirky": N_("offbeat, eccentric characters or style"),
    "slow-burn": N_("unhurried; it builds gradually"),
    "fast-paced": N_("brisk; a lot happens, quickly"),
    "family-friendly": N_("made for children and the adults with them"),
    "satirical": N_("mocks its targets to make a point"),
    "wondrous": N_("awe, spectacle and the joy of discovery"),
    "gritty": N_("raw and realistic, rough at the edges"),
    "intimate": N_("small in scale, close to a few people"),
}

# How the story leaves you.
ENDINGS: dict[str, str] = {
    "uplifting": N_("it ends well: hope, triumph or happiness"),
    "bittersweet": N_("something is won and something lost"),
    "tragic": N_("it ends in death, defeat or loss"),
    "open": N_("it leaves the outcome to you"),
}

# What a profile measures on a scale, and the scale's words (0 = none).
INTENSITIES: tuple[str, ...] = ("violence", "fear", "sadness")
LEVELS: tuple[str, ...] = ("none", "mild", "moderate", "strong")

# Content notes: things some viewers want to know before they start.
NOTES: dict[str, str] = {
    "violence": N_("strong, graphic violence (a profile's violence at its strongest)"),
    "sexual-violence": N_("rape or sexual assault, shown or central to the story"),
    "animal-harm": N_("an animal is hurt or dies"),
    "suicide": N_("suicide or a suicide attempt"),
    "self-harm": N_("self-harm is shown or central to the story"),
    "drug-abuse": N_("addiction or heavy drug use"),
    "child-harm": N_("a child is hurt, abused or dies"),
    "torture": N_("torture is shown"),
}

# The words as the page shows them, translated where shown (``tone_name``).
TONE_WORDS: dict[str, str] = {
    "feel-good": NP_("tone", "feel-good"),
    "funny": NP_("tone", "funny"),
    "heartwarming": NP_("tone", "heartwarming"),
    "romantic": NP_("tone", "romantic"),
    "whimsical": NP_("tone", "whimsical"),
    "comforting": NP_("tone", "comforting"),
    "nostalgic": NP_("tone", "nostalgic"),
    "bittersweet": NP_("tone", "bittersweet"),
    "melancholic": NP_("tone", "melancholic"),
    "moving": NP_("tone", "moving"),
    "devastating": NP_("tone", "devastating"),
    "harrowing": NP_("tone", "harrowing"),
    "bleak": NP_("tone", "bleak"),
    "dark": NP_("tone", "dark"),
    "violent": NP_("tone", "violent"),
    "tense": NP_("tone", "tense"),
    "scary": NP_("tone", "scary"),
    "disturbing": NP_("tone", "disturbing"),
    "gory": NP_("tone", "gory"),
    "thought-provoking": NP_("tone", "thought-provoking"),
    "absorbing": NP_("tone", "absorbing"),
    "inspiring": NP_("tone", "inspiring"),
    "uplifting": NP_("tone", "uplifting"),
    "cathartic": NP_("tone", "cathartic"),
    "exciting": NP_("tone", "exciting"),
    "epic": NP_("tone", "epic"),
    "mind-bending": NP_("tone", "mind-bending"),
    "quirky": NP_("tone", "quirky"),
    "slow-burn": NP_("tone", "slow-burn"),
    "fast-paced": NP_("tone", "fast-paced"),
    "family-friendly": NP_("tone", "family-friendly"),
    "satirical": NP_("tone", "satirical"),
    "wondrous": NP_("tone", "wondrous"),
    "gritty": NP_("tone", "gritty"),
    "intimate": NP_("tone", "intimate"),
}
ENDING_WORDS: dict[str, str] = {
    "uplifting": NP_("ending", "uplifting"),
    "bittersweet": NP_("ending", "bittersweet"),
    "tragic": NP_("ending", "tragic"),
    "open": NP_("ending", "open"),
}
NOTE_WORDS: dict[str, str] = {
    "violence": NP_("content note", "violence"),
    "sexual-violence": NP_("content note", "sexual violence"),
    "animal-harm": NP_("content note", "animal harm"),
    "suicide": NP_("content note", "suicide"),
    "self-harm": NP_("content note", "self harm"),
    "drug-abuse": NP_("content note", "drug abuse"),
    "child-harm": NP_("content note", "child harm"),
    "torture": NP_("content note", "torture"),
}

CONFIDENCES: tuple[str, ...] = ("high", "medium")


class UnknownTone(ValueError):
    """A word that is not in the tone vocabulary (or not an ending, intensity or note)."""


@dataclass(frozen=True, slots=True)
class ToneProfile:
    """How one film feels. ``tones`` are the film's tags, most characteristic first;
    ``intensity`` holds a level (0-3) per INTENSITIES entry; ``source`` says who made the
    profile ("team": written by hand; "keywords": mapped from a provider's keywords), and
    ``confidence`` how sure its maker was."""

    tones: tuple[str, ...]
    ending: str | None = None
    intensity: tuple[int, int, int] = (0, 0, 0)
    notes: tuple[str, ...] = ()
    confidence: str = "high"
    source: str = "team"

    def level(self, what: str) -> int:
        """The profile's level (0-3) of ``what``, one of INTENSITIES."""
        return self.intensity[INTENSITIES.index(what)]

    def has(self, tag: str) -> bool:
        """Whether the film has ``tag``: a tone, ``ending:<ending>`` or ``note:<note>``."""
        kind, _, name = tag.partition(":")
        if kind == "ending":
            return self.ending == name
        if kind == "note":
            return name in self.notes
        return tag in self.tones


def check_tones(tags: Iterable[str], where: str) -> None:
    """Raise UnknownTone naming ``where`` for any tag outside the vocabulary (a tone,
    ``ending:…`` or ``note:…``)."""
    for tag in tags:
        kind, _, name = tag.partition(":")
        known = (
            name in ENDINGS
            if kind == "ending"
            else name in NOTES
            if kind == "note"
            else tag in TONES
        )
        if not known:
            raise UnknownTone(f"{where}: {tag!r} is not a tone, ending:… or note:… we know")


def tone_name(tone: str) -> str:
    """A tone as the viewer's language says it."""
    return pgettext("tone", TONE_WORDS[tone])


def ending_name(ending: str) -> str:
    """How a film ends, in the viewer's language."""
    return pgettext("ending", ENDING_WORDS[ending])


def note_name(note: str) -> str:
    """A content note, in the viewer's language ("sexual violence")."""
    return pgettext("content note", NOTE_WORDS[note])
