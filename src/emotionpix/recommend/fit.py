"""The mood-fit score: how well a film suits a mood, from the fields every provider gives.

A film's genres fall on two sides of a mood (``moods.MoodRule``): *for* it — the rule's
genre (weight 1) and its supporting genres — or *against* it — conflicting genres, and every
genre the rule does not name at the ``other`` weight. The fit is the share on the mood's
side, from 0 to 1. For a happy mood a film tagged only Comedy fits fully, Comedy + Family
too, Comedy + Drama 0.67, while *Reservoir Dogs* (Comedy among Thriller, Mystery, Drama,
Crime, Action and Adventure) fits 0.2: the genre is incidental there, not central.

Words in the film's keywords and plot (where a provider gives them) add to either side, at
most ``cue_cap`` each, so text refines the genres without overruling them.

A film with a tone profile (``recommend/tones.py``) is judged by how it feels first: a tag in
the rule's ``never`` list, or more violence, fear or sadness than its ``limits``, rules it out;
otherwise its tones the rule wants and those it avoids make a share the same way genres do
(a film's first three tones, its most characteristic, count fully, later ones
``LATER_TONES``), and that share makes ``TONE_SHARE`` of the fit, the genre share the rest:
genres break ties between films that feel alike. A profiled film with none of the tones the
rule wants fits at most the genre part, below any threshold worth using.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from emotionpix.core.movies import Movie
from emotionpix.core.text import normalise
from emotionpix.recommend.moods import FitSettings, MoodRule

TONE_SHARE = 0.75  # the part of a profiled film's fit its tones decide
LATER_TONES = 0.6  # the weight of a profile's fourth and later tones
TONE_SLACK = 0.5  # keeps one wanted tone alone from being a perfect fit


class MoodFit:
    """Scores films against the rules of one mode (the seven emotions' rules)."""

    def __init__(self, rules: Mapping[str, MoodRule], settings: FitSettings):
        self.rules = dict(rules)
        self.settings = settings
        self._genres = {
            emotion: (
                rule.genre.casefold(),
                {g.casefold(): w for g, w in rule.support.items()},
                {g.casefold(): w for g, w in rule.conflict.items()},
            )
            for emotion, rule in self.rules.items()
        }
        self._cue_patterns = {
            emotion: _cue_pattern(rule.cues) for emotion, rule in self.rules.items() if rule.cues
        }

    def fit(self, movie: Movie, emotion: str) -> float:
        """0-1: for a profiled film, mostly how its tones suit the mood (0 when the rule rules
        it out), else the share of its genres (and cue words) on the mood's side; 0 for a film
        without the rule's genre."""
        by_genre = self.genre_fit(movie, emotion)
        if not movie.tones or by_genre == 0.0:
            return by_genre
        by_tone = self.tone_fit(movie, emotion)
        return 0.0 if by_tone is None else TONE_SHARE * by_tone + (1 - TONE_SHARE) * by_genre

    def tone_fit(self, movie: Movie, emotion: str) -> float | None:
        """0-1: the share of the film's tones on the mood's side; None when the rule rules the
        film out."""
        rule = self.rules[emotion]
        tags = {*movie.tones, f"ending:{movie.ending}", *(f"note:{n}" for n in movie.content_notes)}
        if any(tag in tags for tag in rule.never):
            return None
        if rule.need and not any(tag in tags for tag in rule.need):
            return None
        if movie.intensity is not None:
            for what, most in rule.limits.items():
                if getattr(movie.intensity, what) > most:
                    return None
        on = off = 0.0
        for place, tone in enumerate(movie.tones):
            weight = 1.0 if place < 3 else LATER_TONES
            on += weight * rule.want.get(tone, 0.0)
            off += weight * rule.avoid.get(tone, 0.0)
        off += sum(w for tag, w in rule.avoid.items() if ":" in tag and tag in tags)
        return on / (on + off + TONE_SLACK) if on else 0.0

    def genre_fit(self, movie: Movie, emotion: str) -> float:
        """0-1: the share of the film's genres (and cue words) on the mood's side; 0 for a
        film without the rule's genre."""
        genre, support, conflict = self._genres[emotion]
        genres = {g.casefold() for g in movie.genres}
        if genre not in genres:
            return 0.0
        genres.discard(genre)
        cue_for, cue_against = self._cues(movie, emotion)
        on = 1.0 + sum(support[g] for g in genres if g in support) + cue_for
        off = sum(conflict.get(g, self.settings.other) for g in genres if g not in support)
        return on / (on + off + cue_against)

    def home(self, movie: Movie) -> str:
        """The emotion whose rule the film fits best; on a tie, the one listed first."""
        return max(self.rules, key=lambda emotion: self.fit(movie, emotion))

    def bonus(self, movie: Movie, emotion: str) -> float:
        """Rating points the fit adds in ``emotion``'s ranking: ``weight`` x fit, less
        ``variety`` where another mood fits the film better (it belongs on that mood's first
        pages; here it may still come further down)."""
        settings = self.settings
        away = settings.variety if self.home(movie) != emotion else 0.0
        return settings.weight * self.fit(movie, emotion) - away

    def _cues(self, movie: Movie, emotion: str) -> tuple[float, float]:
        """(for, against): the weights of the rule's cue words found in the film's
        keywords and overview, each side capped."""
        pattern = self._cue_patterns.get(emotion)
        if pattern is None or not (movie.keywords or movie.overview):
            return 0.0, 0.0
        texts = _padded(movie.keywords, movie.overview or "")
        cues = self.rules[emotion].cues
        found = [cues[cue] for cue in {c for text in texts for c in pattern.findall(text)}]
        cap = self.settings.cue_cap
        return min(cap, sum(w for w in found if w > 0)), min(cap, -sum(w for w in found if w < 0))


def _cue_pattern(cues: Mapping[str, float]) -> re.Pattern[str]:
    """One expression for all of a rule's cues: whole words, a plural allowed, the longer
    phrase first ("haunted house" counts once, not also as "haunted")."""
    phrases = sorted(cues, key=len, reverse=True)
    return re.compile(f" ({'|'.join(map(re.escape, phrases))})s?(?= )")


@lru_cache(maxsize=8192)
def _padded(keywords: tuple[str, ...], overview: str) -> tuple[str, ...]:
    """Each keyword and the overview normalised and padded with spaces, once per film (a
    ranking asks for them once per mood)."""
    return tuple(f" {normalise(text)} " for text in (*keywords, overview) if text)
