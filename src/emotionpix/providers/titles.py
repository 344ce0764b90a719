"""Typo-tolerant title search: a word index with prefix and edit-distance matching.

"sholay", "3 idiots", "3idiots", "dilwale", "incepton" and "Amélie" all find their film.
Every query word must match a word of the title (exactly, as a prefix, or within a small
edit distance, a swap of two letters counting as one edit); titles are ranked by match
quality, by how much of the title the query covers, and by the film's prominence (well rated
by many) as the tie-breaker. A film may have other names ("K3G" and "Kabhi Khushi Kabhie
Gham" for *Sometimes Happiness Sometimes Sadness*): each is matched like a title, and the
film counts once, with its best match.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from emotionpix.core.text import normalise


def _typo_budget(word: str) -> int:
    """Edits allowed for a query word: none for short words, one or two for longer ones."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


class TitleIndex:
    """An in-memory index over titles; ``search`` returns positions into ``titles``."""

    def __init__(
        self,
        titles: Sequence[str],
        prominence: Sequence[float],
        aliases: Mapping[int, Sequence[str]] | None = None,
    ):
        """``prominence`` (about 0-3) breaks ties between equally good matches; ``aliases``
        gives some titles other names (position -> names)."""
        names = list(enumerate(titles))
        names += [(pos, name) for pos, more in (aliases or {}).items() for name in more if name]
        # Each name is an entry of its own; _owner maps it back to its title's position.
        self._owner = [pos for pos, _ in names]
        self._words = [normalise(name).split() for _, name in names]
        self._squashed = ["".join(words) for words in self._words]
        self._prominence = [prominence[pos] for pos in self._owner]
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

    def search(self, query: str, limit: int = 20) -> list[int]:
        """Positions of the best-matching titles, best first."""
        words = normalise(query).split()
        if not words:
            return []
        qualities = [
            self._word_matches(word, last=i == len(words) - 1) for i, word in enumerate(words)
        ]
        squashed = "".join(words)
        best: dict[int, float] = {}
        for entry in self._candidates(qualities, squashed):
            owner, score = self._owner[entry], self._score(entry, qualities, squashed)
            best[owner] = max(score, best.get(owner, 0.0))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [pos for pos, score in ranked[:limit] if score > 0]

    def _word_matches(self, word: str, last: bool) -> dict[str, float]:
        """Title words that ``word`` matches, each with a quality in (0, 1]."""
        matches: dict[str, float] = {}
        if word in self._postings:
            matches[word] = 1.0
        if len(word) >= 2 or last:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start:]:
                if not candidate.startswith(word):
                    break
                if candidate != word:
                    matches[candidate] = 0.75 + 0.2 * len(word) / len(candidate)
        budget = _typo_budget(word)
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
        return score + 5 * self._prominence[pos]
