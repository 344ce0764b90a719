"""What makes a film fit a mood, as data: one rule per emotion, for each of two modes.

The paper's Table 1 gives each emotion a genre and *secondary features* (happy:
light-hearted, entertaining; sad: emotional, introspective; neutral: balanced,
contemplative; angry: intense, energetic; surprise: unpredictable, thrilling; fear:
suspenseful, dark). Catalog genres are many per film and noisy (*Apocalypse Now* carries
eight, Comedy and Horror among them), so carrying the genre is not enough: a rule also names
the genres that support the mood's features and those that work against them, with weights,
and words in a film's keywords or plot that do the same. ``fit.py`` turns a rule into a
score; ``build_moods`` applies configuration (``EMOTIONPIX_MOOD_FIT``) over these tables.

Genre names are matched without regard to case; where providers spell a genre differently
("Sci-Fi" here, "Science Fiction" at TMDB) a rule names both. Cue words must never be
genre names: the catalog's overviews are generated from the genres (and countries, director,
languages), and a cue matching them would count a fact twice — "gory", not "gore", which is
Gore Verbinski's first name (tests/unit/test_moods.py checks the whole catalog).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.text import normalise

MODES: tuple[str, ...] = ("match", "lift")


@dataclass(frozen=True)
class MoodRule:
    """How films fit one emotion in one mode."""

    genre: str  # what the provider is asked for
    feature: str  # the mood's secondary feature as a word for reasons ("light-hearted")
    support: dict[str, float] = field(default_factory=dict)  # genres that suit the mood
    conflict: dict[str, float] = field(default_factory=dict)  # genres that work against it
    cues: dict[str, float] = field(default_factory=dict)  # keyword/plot words: +suit, -against


@dataclass(frozen=True)
class FitSettings:
    """The numbers that turn rules into a ranking (README, "Filters and ranking")."""

    threshold: float = 0.5  # films that fit less do not qualify (0-1)
    weight: float = 3.0  # rating points between a fit of 0 and a perfect fit
    other: float = 0.5  # weight of a genre a rule does not name (against the mood)
    variety: float = 0.75  # rating points off where another mood fits the film better
    cue_cap: float = 1.0  # the most that keyword/plot words add on either side


@dataclass(frozen=True)
class Moods:
    """The rules of both modes and the settings, built once from configuration."""

    match: dict[str, MoodRule]
    lift: dict[str, MoodRule]
    settings: FitSettings = field(default_factory=FitSettings)

    def rules(self, mode: str) -> dict[str, MoodRule]:
        """The rules of ``mode`` ("match" or "lift"), by emotion."""
        return self.match if mode == "match" else self.lift

    def key(self) -> str:
        """A stable text form of every rule and setting, part of cache keys."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


SCI_FI = {"Sci-Fi": 0.5, "Science Fiction": 0.5}

# The paper's table, each row with its secondary features made explicit. The genres come
# from recommend.mapping (EMOTIONPIX_EMOTION_GENRES overrides them there).
# fmt: off
MATCH: dict[str, MoodRule] = {
    "happy": MoodRule(
        "Comedy",
        "light-hearted",
        support={"Family": 1, "Animation": 1, "Romance": 1, "Musical": 0.75, "Music": 0.5,
                 "Fantasy": 0.5, "Adventure": 0.5, "Sport": 0.25},
        conflict={"Horror": 2, "War": 2, "Thriller": 1.5, "Crime": 1, "Mystery": 0.75},
        cues={"feel good": 0.5, "heartwarming": 0.5, "friendship": 0.5, "slapstick": 0.5,
              "wedding": 0.25, "christmas": 0.25, "road trip": 0.25, "parody": 0.25,
              "murder": -0.75, "serial killer": -1, "suicide": -1, "rape": -1,
              "genocide": -1, "torture": -1, "massacre": -1, "drug addiction": -0.75,
              "terminal illness": -0.75, "grief": -0.5, "dystopia": -0.5},
    ),
    "sad": MoodRule(
        "Drama",
        "moving",
        support={"Romance": 0.75, "Family": 0.5, "Music": 0.5, "Musical": 0.5},
        conflict={"Horror": 2, "Action": 1.5, "Thriller": 1.5, "Sci-Fi": 1,
                  "Science Fiction": 1, "Crime": 1, "Mystery": 1, "Adventure": 0.75,
                  "Western": 0.75},
        cues={"grief": 0.75, "loneliness": 0.75, "heartbreak": 0.75, "mourning": 0.75,
              "loss": 0.5, "coming of age": 0.5, "illness": 0.5, "divorce": 0.5,
              "old age": 0.5, "unrequited love": 0.5, "memories": 0.25,
              "heist": -1, "shootout": -1, "superhero": -1, "zombie": -1, "martial arts": -1,
              "explosion": -0.75, "car chase": -0.75, "spoof": -1, "slapstick": -1},
    ),
    "angry": MoodRule(
        "Action",
        "high-energy",
        support={"Adventure": 0.75, **SCI_FI, "Thriller": 0.5, "Sport": 0.5, "Western": 0.25},
        conflict={"Romance": 1, "Musical": 1, "Documentary": 1, "Biography": 1, "Horror": 1,
                  "Music": 0.75, "Family": 0.75, "Animation": 0.75, "History": 0.75,
                  "Drama": 0.75, "Mystery": 0.75},
        cues={"martial arts": 0.75, "car chase": 0.75, "fight": 0.5, "shootout": 0.5,
              "explosion": 0.5, "revenge": 0.5, "heist": 0.5, "superhero": 0.5,
              "vigilante": 0.5, "boxing": 0.25, "showdown": 0.25,
              "grief": -0.5, "coming of age": -0.5, "courtroom": -0.5, "wedding": -0.5,
              "terminal illness": -0.5},
    ),
    "surprise": MoodRule(
        "Adventure",
        "thrilling",
        support={"Fantasy": 1, "Sci-Fi": 0.75, "Science Fiction": 0.75, "Action": 0.5,
                 "Family": 0.5, "Animation": 0.5, "Mystery": 0.5, "Comedy": 0.25},
        conflict={"Horror": 1.5, "War": 1.5, "Biography": 1, "Documentary": 1,
                  "History": 0.75, "Drama": 0.75, "Crime": 0.5, "Romance": 0.5},
        cues={"quest": 0.75, "treasure": 0.75, "time travel": 0.75, "expedition": 0.5,
              "twist": 0.5, "magic": 0.5, "dinosaur": 0.5, "space travel": 0.5,
              "lost world": 0.5, "pirate": 0.5, "dragon": 0.5,
              "serial killer": -1, "slasher": -1, "courtroom": -0.5, "grief": -0.5},
    ),
    "neutral": MoodRule(
        "Drama",
        "thoughtful",
        support={"Biography": 1, "History": 1, "Sport": 0.5, "Documentary": 0.5,
                 "Mystery": 0.25},
        conflict={"Horror": 2, "Action": 1.5, "Thriller": 1.5, "War": 1, "Crime": 1},
        cues={"true story": 0.5, "journalism": 0.5, "philosophy": 0.5, "courtroom": 0.5,
              "everyday life": 0.5, "politics": 0.25, "investigation": 0.25, "nature": 0.25,
              "small town": 0.25, "science": 0.25, "chess": 0.25,
              "zombie": -1, "slasher": -1, "gory": -1, "massacre": -1, "torture": -1,
              "serial killer": -0.75, "shootout": -0.75, "explosion": -0.75, "revenge": -0.5},
    ),
    "fear": MoodRule(
        "Horror",
        "chilling",
        support={"Thriller": 0.75, "Mystery": 0.75, "Fantasy": 0.25},
        conflict={"Comedy": 2, "Family": 2, "Animation": 2, "Musical": 1.5, "Music": 1,
                  "Romance": 1, "Action": 1, "Adventure": 1, "War": 1, "Documentary": 1,
                  "Sport": 1, "Western": 0.75},
        cues={"haunted house": 0.75, "haunted": 0.75, "ghost": 0.75, "demon": 0.75,
              "possession": 0.75, "exorcism": 0.75, "slasher": 0.75, "supernatural": 0.5,
              "serial killer": 0.5, "monster": 0.5, "zombie": 0.5, "vampire": 0.5,
              "witch": 0.5, "curse": 0.5, "nightmare": 0.5,
              "spoof": -1, "parody": -1, "slapstick": -1, "talking animal": -1,
              "mockumentary": -0.5},
    ),
    "disgust": MoodRule(
        "Thriller",
        "gripping",
        support={"Mystery": 1, "Crime": 1},
        conflict={"Horror": 1.5, "Family": 1.5, "Animation": 1.5, "Comedy": 1, "Musical": 1,
                  "Music": 0.75, "Romance": 0.5, "Fantasy": 0.5, "Adventure": 0.5, "War": 0.5},
        cues={"cat and mouse": 0.75, "whodunit": 0.75, "conspiracy": 0.75, "detective": 0.5,
              "investigation": 0.5, "heist": 0.5, "kidnapping": 0.5, "hostage": 0.5,
              "double cross": 0.5, "assassin": 0.5, "spy": 0.5, "blackmail": 0.5,
              "gory": -1, "splatter": -1, "body horror": -1, "cannibal": -1, "zombie": -1,
              "slasher": -0.75, "talking animal": -1, "spoof": -1},
    ),
}
# fmt: on

# "Lift my mood": films that move the mood somewhere better instead of meeting it. Why each
# row is what it is, in README ("Match my mood, or lift it").
# fmt: off
LIFT: dict[str, MoodRule] = {
    "happy": MoodRule(
        "Musical",
        "joyful",
        support={"Comedy": 1, "Romance": 1, "Family": 1, "Animation": 1, "Music": 0.75,
                 "Fantasy": 0.5},
        conflict={"Horror": 2, "War": 2, "Crime": 1.5, "Thriller": 1.5, "Drama": 1.5,
                  "Mystery": 1, "Biography": 0.5},
        cues={"feel good": 0.75, "dance": 0.75, "celebration": 0.5, "wedding": 0.5,
              "friendship": 0.5, "murder": -1, "grief": -0.75, "suicide": -1},
    ),
    "sad": MoodRule(
        "Comedy",
        "uplifting",
        support={"Drama": 1.25, "Romance": 1, "Family": 1, "Music": 0.75, "Musical": 0.75,
                 "Sport": 0.75, "Animation": 0.5},
        conflict={"Horror": 2, "War": 2, "Crime": 1.5, "Thriller": 1.5, "Mystery": 1},
        cues={"feel good": 0.75, "heartwarming": 0.75, "friendship": 0.5, "hope": 0.5,
              "second chance": 0.5, "underdog": 0.5, "suicide": -1, "serial killer": -1,
              "murder": -0.75, "terminal illness": -0.75},
    ),
    "angry": MoodRule(
        "Action",
        "cathartic",
        support={"Comedy": 1.5, "Adventure": 1, "Animation": 0.5, "Family": 0.5,
                 "Fantasy": 0.5, "Sport": 0.5, "Sci-Fi": 0.25, "Science Fiction": 0.25},
        conflict={"Horror": 2, "War": 2, "Drama": 1, "Thriller": 1, "Biography": 1,
                  "History": 1, "Crime": 0.75, "Mystery": 0.75},
        cues={"buddy cop": 0.75, "superhero": 0.5, "heist": 0.5, "martial arts": 0.5,
              "car chase": 0.5, "treasure": 0.5, "torture": -1, "rape": -1, "massacre": -1,
              "serial killer": -1, "grief": -0.75},
    ),
    "surprise": MoodRule(
        "Fantasy",
        "enchanting",
        support={"Adventure": 1, "Animation": 1, "Family": 1, "Comedy": 0.5, "Romance": 0.5,
                 "Musical": 0.5},
        conflict={"Horror": 2, "War": 1.5, "Crime": 1, "Thriller": 1, "Mystery": 0.5},
        cues={"magic": 0.75, "fairy tale": 0.75, "wizard": 0.5, "dragon": 0.5,
              "talking animal": 0.5, "friendship": 0.25, "slasher": -1, "serial killer": -1,
              "gory": -1, "demon": -0.5},
    ),
    "neutral": MoodRule(
        "Adventure",
        "spirited",
        support={"Comedy": 1, "Fantasy": 0.75, "Family": 0.5, "Animation": 0.5, "Action": 0.5,
                 "Romance": 0.25},
        conflict={"Horror": 2, "War": 1.5, "Biography": 1, "Documentary": 1, "Drama": 0.75,
                  "Crime": 0.75, "Thriller": 0.75},
        cues={"quest": 0.75, "treasure": 0.75, "journey": 0.5, "road trip": 0.5,
              "friendship": 0.25, "serial killer": -1, "slasher": -1, "grief": -0.5},
    ),
    "fear": MoodRule(
        "Family",
        "comforting",
        support={"Animation": 1, "Comedy": 1, "Adventure": 0.75, "Fantasy": 0.5,
                 "Musical": 0.5, "Music": 0.5},
        conflict={"Horror": 3, "Thriller": 2, "War": 2, "Crime": 1.5, "Mystery": 1.5,
                  "Action": 0.5},
        cues={"heartwarming": 0.75, "friendship": 0.5, "home": 0.5, "talking animal": 0.5,
              "christmas": 0.5, "serial killer": -1, "murder": -1, "gory": -1,
              "kidnapping": -0.5},
    ),
    "disgust": MoodRule(
        "Romance",
        "tender",
        support={"Comedy": 1, "Musical": 0.75, "Music": 0.5, "Animation": 0.5, "Family": 0.5,
                 "Fantasy": 0.5},
        conflict={"Horror": 3, "War": 2, "Crime": 1.5, "Thriller": 1.5, "Mystery": 1,
                  "Action": 0.75, "Drama": 0.75},
        cues={"first love": 0.5, "love at first sight": 0.5, "wedding": 0.5,
              "heartwarming": 0.5, "friendship": 0.25, "gory": -1, "rape": -1, "torture": -1,
              "serial killer": -1, "cannibal": -1, "murder": -0.75},
    ),
}
# fmt: on

_RULE_FIELDS = {"genre", "feature", "support", "conflict", "cues"}
_WEIGHTS = ("support", "conflict", "cues")


def build_moods(mapping: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> Moods:
    """The default rules with the match genres of ``mapping`` and ``overrides`` applied.

    ``overrides`` (EMOTIONPIX_MOOD_FIT) may set any FitSettings field and, under "match" or
    "lift", any rule field per emotion: text fields replace, weight tables merge entry by
    entry (a weight of 0 removes an entry). The match genre is set in one place only, the
    emotion -> genre table. Raises ValueError naming what is wrong.
    """
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(MODES) - {f.name for f in fields(FitSettings)}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    tables = {
        "match": {e: replace(rule, genre=mapping.get(e, rule.genre)) for e, rule in MATCH.items()},
        "lift": dict(LIFT),
    }
    for mode, table in tables.items():
        changes = overrides.pop(mode, {})
        if not isinstance(changes, Mapping):
            raise ValueError(f"{mode} must be an object of emotion -> rule changes")
        for label, change in changes.items():
            where = f"{mode}.{label}"
            if mode == "match" and isinstance(change, Mapping) and "genre" in change:
                raise ValueError(f"{where}: set match genres with EMOTIONPIX_EMOTION_GENRES")
            try:
                emotion = normalise_emotion(label)
            except UnknownEmotion:
                raise ValueError(f"{where}: unknown emotion") from None
            table[emotion] = _changed(table[emotion], change, where)
    genres = {
        normalise(genre)
        for table in tables.values()
        for rule in table.values()
        for genre in (rule.genre, *rule.support, *rule.conflict)
    }
    match, lift = (
        {e: _checked(rule, genres, f"{mode}.{e}") for e, rule in tables[mode].items()}
        for mode in MODES
    )
    return Moods(match, lift, _settings(overrides))


def _changed(rule: MoodRule, change: Any, where: str) -> MoodRule:
    if not isinstance(change, Mapping) or set(change) - _RULE_FIELDS:
        raise ValueError(f"{where} must be an object with some of {sorted(_RULE_FIELDS)}")
    updated: dict[str, Any] = {}
    for name in ("genre", "feature"):
        if name in change:
            if not isinstance(change[name], str) or not change[name].strip():
                raise ValueError(f"{where}.{name} must be a non-empty name")
            updated[name] = change[name].strip()
    for name in _WEIGHTS:
        weights = change.get(name, {})
        if not isinstance(weights, Mapping):
            raise ValueError(f"{where}.{name} must be an object of name -> weight")
        table = dict(getattr(rule, name))
        for key, weight in weights.items():
            if not isinstance(weight, int | float) or isinstance(weight, bool):
                raise ValueError(f"{where}.{name}.{key} must be a number")
            if name != "cues" and weight < 0:
                raise ValueError(f"{where}.{name}.{key} must be >= 0")
            table.pop(key, None)
            if weight:
                table[key] = float(weight)
        updated[name] = table
    return replace(rule, **updated)


def _checked(rule: MoodRule, genres: set[str], where: str) -> MoodRule:
    """The rule with its cues written the way text is matched; none may be a genre name."""
    cues = {normalise(cue): weight for cue, weight in rule.cues.items()}
    clashes = sorted(cue for cue in cues if cue in genres or not cue)
    if clashes:
        raise ValueError(f"{where}.cues may not be empty or a genre name: {clashes}")
    return replace(rule, cues=cues)


def _settings(values: Mapping[str, Any]) -> FitSettings:
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if values.get("threshold", 0) > 1:
        raise ValueError(f"threshold must be between 0 and 1, got {values['threshold']!r}")
    return FitSettings(**{name: float(value) for name, value in values.items()})
