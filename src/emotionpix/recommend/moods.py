"""What makes a film fit a mood, as data: one rule per emotion, for each of two modes.

The paper's Table 1 gives each emotion a genre and *secondary features* (happy:
light-hearted, entertaining; sad: emotional, introspective; neutral: balanced,
contemplative; angry: intense, energetic; surprise: unpredictable, thrilling; fear:
suspenseful, dark). Catalog genres are many per film and noisy (*Apocalypse Now* carries
eight, Comedy and Horror among them), so carrying the genre is not enough: a rule also names
the genres that support the mood's features and those that work against them, with weights,
and words in a film's keywords or plot that do the same. The tables are data, in
``moods.json``; ``build_moods`` applies configuration (``EMOTIONPIX_MOOD_FIT``) over them and
``fit.py`` turns a rule into a score.

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
from functools import lru_cache
from pathlib import Path
from typing import Any

from emotionpix.core.emotions import UnknownEmotion, normalise_emotion
from emotionpix.core.text import normalise
from emotionpix.core.tones import INTENSITIES, UnknownTone, check_tones

MODES: tuple[str, ...] = ("match", "lift")


@dataclass(frozen=True)
class MoodRule:
    """How films fit one emotion in one mode."""

    genre: str  # what the provider is asked for
    feature: str  # the mood's secondary feature as a word for reasons ("light-hearted")
    support: dict[str, float] = field(default_factory=dict)  # genres that suit the mood
    conflict: dict[str, float] = field(default_factory=dict)  # genres that work against it
    cues: dict[str, float] = field(default_factory=dict)  # keyword/plot words: +suit, -against
    # For films with a tone profile (core.tones): the tones that suit the mood and those that
    # work against it, with weights; tones of which a film needs one at least; tags
    # ("harrowing", "ending:tragic", "note:suicide") that rule a film out; and the most
    # violence, fear or sadness (0-3) a film may have.
    want: dict[str, float] = field(default_factory=dict)
    avoid: dict[str, float] = field(default_factory=dict)
    need: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    limits: dict[str, int] = field(default_factory=dict)


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


# The rules' defaults: for "match" the paper's table with each row's secondary features made
# explicit (the genres themselves come from recommend.mapping, which
# EMOTIONPIX_EMOTION_GENRES overrides); for "lift" films that move the mood somewhere better
# instead of meeting it (why each row is what it is: README, "Match my mood, or lift it").
# The file has the shape of EMOTIONPIX_MOOD_FIT and goes through the same checks. Its order
# is the tie-break order of the variety rule (a film fitting two moods alike is the first's).
DEFAULTS = Path(__file__).with_name("moods.json")


@lru_cache(maxsize=1)
def default_tables() -> dict[str, Any]:
    """The defaults file, read once per process."""
    tables: dict[str, Any] = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    return tables


_RULE_FIELDS = {
    *("genre", "feature", "support", "conflict", "cues"),
    *("want", "avoid", "need", "never", "limits"),
}
_WEIGHTS = ("support", "conflict", "cues", "want", "avoid")


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
    tables = {mode: _rules(mode, mapping, overrides.pop(mode, {})) for mode in MODES}
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


def _rules(mode: str, mapping: Mapping[str, str], changes: Any) -> dict[str, MoodRule]:
    """One mode's rules: the defaults file's, then the configured changes."""
    if not isinstance(changes, Mapping):
        raise ValueError(f"{mode} must be an object of emotion -> rule changes")
    rules = {
        emotion: _changed(MoodRule(mapping.get(emotion, ""), ""), default, f"{mode}.{emotion}")
        for emotion, default in default_tables()[mode].items()
    }
    for label, change in changes.items():
        where = f"{mode}.{label}"
        if mode == "match" and isinstance(change, Mapping) and "genre" in change:
            raise ValueError(f"{where}: set match genres with EMOTIONPIX_EMOTION_GENRES")
        try:
            emotion = normalise_emotion(label)
        except UnknownEmotion:
            raise ValueError(f"{where}: unknown emotion") from None
        rules[emotion] = _changed(rules[emotion], change, where)
    return rules


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
    for name in ("need", "never"):
        if name in change:
            tags = change[name]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ValueError(f"{where}.{name} must be a list of tones")
            updated[name] = tuple(tags)
    if "limits" in change:
        limits = change["limits"]
        if not isinstance(limits, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3 for v in limits.values()
        ):
            raise ValueError(f"{where}.limits must be an object of intensity -> level 0-3")
        updated["limits"] = {**rule.limits, **limits}
    return replace(rule, **updated)


def _checked(rule: MoodRule, genres: set[str], where: str) -> MoodRule:
    """The rule with its cues written the way text is matched; none may be a genre name.
    Its tones must be in the tone vocabulary, its limits name intensities."""
    cues = {normalise(cue): weight for cue, weight in rule.cues.items()}
    clashes = sorted(cue for cue in cues if cue in genres or not cue)
    if clashes:
        raise ValueError(f"{where}.cues may not be empty or a genre name: {clashes}")
    try:
        check_tones(rule.want, f"{where}.want")
        check_tones(rule.avoid, f"{where}.avoid")
        check_tones(rule.need, f"{where}.need")
        check_tones(rule.never, f"{where}.never")
    except UnknownTone as exc:
        raise ValueError(str(exc)) from None
    unknown = sorted(set(rule.limits) - set(INTENSITIES))
    if unknown:
        raise ValueError(f"{where}.limits: {unknown} are not among {list(INTENSITIES)}")
    return replace(rule, cues=cues)


def _settings(values: Mapping[str, Any]) -> FitSettings:
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if values.get("threshold", 0) > 1:
        raise ValueError(f"threshold must be between 0 and 1, got {values['threshold']!r}")
    return FitSettings(**{name: float(value) for name, value in values.items()})
