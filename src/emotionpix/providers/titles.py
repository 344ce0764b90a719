"""Typo-tolerant title search in any script: a word index with prefix and edit-distance
matching, and a second index by sound for transliterations.

"sholay", "3 idiots", "3idiots", "dilwale", "incepton" and "Amélie" all find their film, and
so do "शोले", "চারুলতা" and "Левиафан". Every query word must match a word of the title
(exactly, as a prefix, or within a small edit distance, a swap of two letters counting as
one edit); titles are ranked by match quality, by how much of the title the query covers,
and by the film's prominence (well rated by many) as the tie-breaker. A film may have other
names (the original title, its title in its own script, "K3G"): each is matched like a
title, and the film counts once, with its best match.

The sound index holds every name transliterated to Latin letters (``anyascii``) and reduced
to a consonant skeleton, so spellings that differ in vowels, doubled letters, aspiration and
the inherent "a" of Indian scripts meet: "शोले" (shole), "Sholay" and "Sholey" all read
"sl". It answers when the names themselves do not, at a lower score. When a title matches
strongly, weaker neighbours are dropped rather than padding the list ("Dune" does not bring
*Due Date*), and nothing scoring far below the best is kept.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from emotionpix.core.text import normalise

# A sound match counts for less than a match of the name as written.
SOUND_WEIGHT = 0.7
# ... and only a close one counts (every word matched, most of the title covered).
SOUND_FLOOR = 100.0
# A match this good (every word exact, most of the title covered) is "strong"; results
# scoring under STRONG_KEEP of it are then dropped.
STRONG = 125.0
STRONG_KEEP = 0.8
WEAK_KEEP = 0.7
# A film of the year a query names ("devdas 2002") gains this much.
YEAR_BONUS = 30.0
_YEAR = re.compile(r"(19|20)\d\d")
_MASHED = re.compile(r"([^\W\d])\1\1")  # a letter three times in a row
# A word typed in Latin letters with no vowel at all ("zzqqxx", "xkcd") names nothing by sound:
# its skeleton is already all consonants and would meet any title that reduces to them.
_VOWELLESS = re.compile(r"[b-df-hj-np-tv-xz]{3,}")


def _typo_budget(word: str) -> int:
    """Edits allowed for a query word: none for short words, one or two for longer ones."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


_SOUND_RULES = (
    (re.compile(r"(?<=[a-z])(ay|ai|ey|ei|ee)\b"), "e"),  # sholay, sholey -> shole
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[bcdfgjklmnpqrstvwxz])h"), ""),  # aspiration: kh, bh, sh, th...
    (re.compile(r"(?<!^)[aeiouy]"), ""),  # vowels after the first letter
    (re.compile(r"m(?=[kgcjtdsz])"), "n"),  # anusvara before a consonant: jayemge -> jayenge
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters
)
_SOUND_LETTERS = str.maketrans({"w": "v", "z": "j", "q": "k", "x": "k", "f": "p", "c": "k"})


def sound_words(text: str) -> list[str]:
    """``text`` as consonant skeletons, one per word ("Kabhi Khushi" -> ["kb", "ks"])."""
    words = []
    for word in normalise(anyascii(text)).split():
        for pattern, replacement in _SOUND_RULES:
            word = pattern.sub(replacement, word)
        words.append(word.translate(_SOUND_LETTERS))
    return [word for word in words if word]


class _WordIndex:
    """Entries (lists of words) searchable word by word; ``scores`` rates the candidates."""

    def __init__(self, entries: Sequence[list[str]], typos: bool = True):
        """``typos``: whether a query word may be a few edits away from a title word."""
        self._typos = typos
        self._words = list(entries)
        self._squashed = ["".join(words) for words in self._words]
        postings: dict[str, set[int]] = defaultdict(set)
        for position, words in enumerate(self._words):
            for word in words:
                postings[word].add(position)
        self._postings = dict(postings)
        self._vocabulary = sorted(self._postings)
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            by_length[len(word)].append(word)
        self._by_length = dict(by_length)
        self._squashed_sorted = sorted((s, pos) for pos, s in enumerate(self._squashed))

    def scores(self, words: list[str]) -> Iterable[tuple[int, float]]:
        """(entry, score) for each entry the query ``words`` match; about 0-140."""
        if not words:
            return
        qualities = [
            self._word_matches(word, last=i == len(words) - 1) for i, word in enumerate(words)
        ]
        squashed = "".join(words)
        for entry in self._candidates(qualities, squashed):
            yield entry, self._score(entry, qualities, squashed)

    def _word_matches(self, word: str, last: bool) -> dict[str, float]:
        """Title words that ``word`` matches, each with a quality in (0, 1]."""
        matches: dict[str, float] = {}
        if word in self._postings:
            matches[word] = 1.0
        if (len(word) >= 2 or last) and (self._typos or last):
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start:]:
                if not candidate.startswith(word):
                    break
                if candidate != word:
                    matches[candidate] = 0.75 + 0.2 * len(word) / len(candidate)
        budget = _typo_budget(word) if self._typos else 0
        for length in range(len(word) - budget, len(word) + budget + 1) if budget else ():
            # Only words of a nearby length can be within the edit budget.
            for candidate, distance, _ in process.extract(
                word,
                self._by_length.get(length, ()),
                scorer=OSA.distance,
                score_cutoff=budget,
                limit=None,
            ):
                if distance:
                    matches.setdefault(candidate, 0.8 - 0.15 * distance)
        return matches

    def _candidates(self, qualities: list[dict[str, float]], squashed: str) -> set[int]:
        per_word = [
            set().union(*(self._postings[w] for w in matches)) if matches else set()
            for matches in qualities
        ]
        found = set.intersection(*per_word) if per_word else set()
        if not found and len(per_word) >= 3:
            # Forgive one unmatched word in longer queries ("lord of the rigns king").
            counts: dict[int, int] = defaultdict(int)
            for positions in per_word:
                for pos in positions:
                    counts[pos] += 1
            found = {pos for pos, n in counts.items() if n >= len(per_word) - 1}
        if len(squashed) >= 3:
            # Titles that start with the query once spaces are ignored ("3idiots").
            start = bisect.bisect_left(self._squashed_sorted, (squashed, -1))
            for title, pos in self._squashed_sorted[start:]:
                if not title.startswith(squashed):
                    break
                found.add(pos)
        return found

    def _score(self, pos: int, qualities: list[dict[str, float]], squashed: str) -> float:
        title_words = self._words[pos]
        matched = [max((q.get(w, 0.0) for w in title_words), default=0.0) for q in qualities]
        score = 100 * sum(matched) / len(matched)
        score += 15 * min(1.0, sum(1 for m in matched if m) / max(len(title_words), 1))
        if self._squashed[pos] == squashed:
            score += 25
        elif self._squashed[pos].startswith(squashed):
            score += 10
        return score


class TitleIndex:
    """An in-memory index over titles; ``search`` returns positions into ``titles``."""

    def __init__(
        self,
        titles: Sequence[str],
        prominence: Sequence[float],
        aliases: Mapping[int, Sequence[str]] | None = None,
        years: Sequence[int | None] | None = None,
    ):
        """``prominence`` (about 0-3) breaks ties between equally good matches; ``aliases``
        gives some titles other names (position -> names); ``years``, where given, lets a
        query name the year ("devdas 2002")."""
        names = list(enumerate(titles))
        names += [(pos, name) for pos, more in (aliases or {}).items() for name in more if name]
        # Each name is an entry of its own; _owner maps it back to its title's position.
        self._owner = [pos for pos, _ in names]
        self._prominence = list(prominence)
        self._years = list(years) if years is not None else None
        self._written = _WordIndex([normalise(name).split() for _, name in names])
        # Skeletons already absorb spelling variants: no edit distance on top of them.
        self._sound = _WordIndex([sound_words(name) for _, name in names], typos=False)

    def search(self, query: str, limit: int = 20) -> list[int]:
        """Positions of the best-matching titles, best first."""
        best = self._match(query)
        year, rest = self._year_of(query)
        if year is not None:
            # "devdas 2002": the title without the year, and the film of that year first.
            for pos, score in self._match(rest).items():
                if self._years and self._years[pos] == year:
                    best[pos] = max(best.get(pos, 0.0), score + YEAR_BONUS)
        ranked = sorted(
            ((pos, score + 5 * self._prominence[pos]) for pos, score in best.items() if score > 0),
            key=lambda item: (-item[1], item[0]),
        )
        if ranked:
            # Fewer, better results: after a strong match, only near equals; otherwise
            # nothing far below the best.
            top = ranked[0][1]
            floor = (STRONG_KEEP if top >= STRONG else WEAK_KEEP) * top
            ranked = [item for item in ranked if item[1] >= floor]
        return [pos for pos, _ in ranked[:limit]]

    def _match(self, query: str) -> dict[int, float]:
        """Title position -> its best score over its names, as written or by sound."""
        best: dict[int, float] = {}
        # Keyboard mashing ("zzzzqqqq", "zzqqxx") has no sound to match: only words as written.
        written = normalise(query)
        mashed = _MASHED.search(written) or any(map(_VOWELLESS.fullmatch, written.split()))
        sounds = [] if mashed else sound_words(query)
        for index, words, weight in (
            (self._written, written.split(), 1.0),
            (self._sound, sounds, SOUND_WEIGHT),
        ):
            if index is self._sound and max(best.values(), default=0.0) >= STRONG:
                break  # a strong written match: sound matches could only be dropped
            for entry, score in index.scores(words):
                if index is self._sound and score < SOUND_FLOOR:
                    continue
                owner = self._owner[entry]
                best[owner] = max(weight * score, best.get(owner, 0.0))
        return best

    def _year_of(self, query: str) -> tuple[int | None, str]:
        """A year the query ends with ("devdas 2002"), and the query without it."""
        words = normalise(query).split()
        if self._years is None or len(words) < 2 or not _YEAR.fullmatch(words[-1]):
            return None, query
        return int(words[-1]), " ".join(words[:-1])
