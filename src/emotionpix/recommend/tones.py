"""Tone profiles for the films the recommender shows: the team's hand-written table first,
then, for a provider's film the table does not know, tones read from its keywords and plot.

The table (``data/tones.csv``, see ``data/PROVENANCE.md``) is keyed by the embedded catalog's
ids, and also found by IMDb id or by title and year, so a TMDB or IMDb236 film the team
profiled gets the same profile. The keyword table (``data/keyword_tones.json``) maps subject
tags and plot phrases ("serial killer", "feel good") to tones; a film read that way has tones
only (no ending, intensity or notes: words in a plot cannot say how it ends).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from emotionpix.core.movies import Intensity, Movie
from emotionpix.core.text import normalise
from emotionpix.core.tones import (
    CONFIDENCES,
    ENDINGS,
    INTENSITIES,
    TONES,
    ToneProfile,
    UnknownTone,
    check_tones,
)

DATA = Path(__file__).with_name("data")
BUNDLED_PROFILES = DATA / "tones.csv"
BUNDLED_KEYWORDS = DATA / "keyword_tones.json"
# The most tones a profile read from keywords keeps (the strongest, by how often they came up).
KEYWORD_TONES = 4


class ToneBook:
    """Finds a film's tone profile and writes it onto the film's record."""

    def __init__(
        self,
        profiles: Mapping[str, ToneProfile],
        titles: Mapping[str, tuple[str, int | None, str | None]] | None = None,
        keywords: Mapping[str, tuple[str, ...]] | None = None,
        version: str = "",
    ):
        """``profiles`` by catalog id; ``titles`` gives each id's (title, year, IMDb id) so
        other providers' films are found too; ``keywords`` maps phrases to tones."""
        self.profiles = dict(profiles)
        self.version = version  # changes with the tables (part of pool cache keys)
        self._by_imdb: dict[str, str] = {}
        self._by_title: dict[tuple[str, int | None], str] = {}
        for film_id, (title, year, imdb_id) in (titles or {}).items():
            if imdb_id:
                self._by_imdb[imdb_id] = film_id
            self._by_title.setdefault((normalise(title), year), film_id)
        self.keywords = {normalise(k): tuple(v) for k, v in (keywords or {}).items()}
        phrases = sorted(self.keywords, key=len, reverse=True)
        self._pattern = (
            re.compile(f" ({'|'.join(map(re.escape, phrases))})s?(?= )") if phrases else None
        )

    @classmethod
    @lru_cache(maxsize=1)
    def bundled(cls) -> ToneBook:
        """The tables that ship with the package, read once per process."""
        profiles, titles = read_profiles(BUNDLED_PROFILES)
        raw = BUNDLED_KEYWORDS.read_bytes()
        digest = hashlib.sha256(BUNDLED_PROFILES.read_bytes() + raw).hexdigest()[:12]
        return cls(profiles, titles, json.loads(raw)["tones"], digest)

    def __len__(self) -> int:
        return len(self.profiles)

    def profile(self, movie: Movie, read_text: bool = True) -> ToneProfile | None:
        """The team's profile of ``movie``; failing that (and with ``read_text``), one read
        from its keywords and plot; None when neither says anything."""
        film_id = (
            movie.id
            if movie.id in self.profiles
            else self._by_imdb.get(movie.imdb_id or "")
            or self._by_title.get((normalise(movie.title), movie.year))
        )
        if film_id in self.profiles:
            return self.profiles[film_id]
        if read_text and self._pattern is not None and (movie.keywords or movie.overview):
            return _read_text(self, movie.keywords, movie.overview or "")
        return None

    def stamp(self, movie: Movie, read_text: bool = True) -> Movie:
        """``movie`` with its profile's fields set (unchanged when it has no profile)."""
        if movie.tones_from is not None:
            return movie
        found = self.profile(movie, read_text)
        if found is None:
            return movie
        intensity = None if found.source == "keywords" else Intensity(*found.intensity)
        notes = found.notes
        if intensity is not None and intensity.violence >= 3:
            notes = ("violence", *notes)
        return replace(
            movie,
            tones=found.tones,
            ending=found.ending,
            intensity=intensity,
            content_notes=notes,
            tones_from=found.source,
        )


@lru_cache(maxsize=4096)
def _read_text(book: ToneBook, keywords: tuple[str, ...], overview: str) -> ToneProfile | None:
    """Tones from a film's keywords and plot: each phrase found votes for its tones; a
    keyword counts twice a plot phrase (it was chosen as a subject, not merely mentioned)."""
    assert book._pattern is not None
    votes: Counter[str] = Counter()
    for weight, texts in ((2, keywords), (1, (overview,))):
        for text in texts:
            if not text:
                continue
            for phrase in set(book._pattern.findall(f" {normalise(text)} ")):
                for tone in book.keywords[phrase]:
                    votes[tone] += weight
    if not votes:
        return None
    ranked = sorted(votes, key=lambda tone: (-votes[tone], list(TONES).index(tone)))
    return ToneProfile(tones=tuple(ranked[:KEYWORD_TONES]), confidence="medium", source="keywords")


def read_profiles(
    path: Path,
) -> tuple[dict[str, ToneProfile], dict[str, tuple[str, int | None, str | None]]]:
    """The profile table (``id,title,year,imdb_id,tones,ending,intensity,notes,confidence``;
    lines starting with ``#`` are comments): profiles and (title, year, IMDb id) by id.
    Raises ValueError naming the line of anything outside the vocabulary."""
    profiles: dict[str, ToneProfile] = {}
    titles: dict[str, tuple[str, int | None, str | None]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for number, row in enumerate(rows, start=2):
            where = f"{path.name} line {number} ({row.get('id')})"
            profiles[row["id"]] = _profile(row, where)
            year = int(row["year"]) if row["year"] else None
            titles[row["id"]] = (row["title"], year, row["imdb_id"] or None)
    return profiles, titles


def _profile(row: Mapping[str, str], where: str) -> ToneProfile:
    tones = tuple(row["tones"].split())
    notes = tuple(row["notes"].split())
    try:
        check_tones(tones, where)
        check_tones((f"note:{note}" for note in notes), where)
    except UnknownTone as exc:
        raise ValueError(str(exc)) from None
    ending = row["ending"] or None
    levels = row["intensity"]
    if (
        not tones
        or (ending is not None and ending not in ENDINGS)
        or len(levels) != len(INTENSITIES)
        or not all(c in "0123" for c in levels)
        or row["confidence"] not in CONFIDENCES
        or "violence" in notes
    ):
        raise ValueError(f"{where}: not a valid profile: {dict(row)}")
    intensity = (int(levels[0]), int(levels[1]), int(levels[2]))
    return ToneProfile(tones, ending, intensity, notes, row["confidence"], "team")


def write_profiles(
    path: Path, rows: Iterable[tuple[str, str, int | None, str | None, ToneProfile]], header: str
) -> None:
    """Writes the profile table (sorted by id) with ``header`` as its comment lines."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines) + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "id",
                "title",
                "year",
                "imdb_id",
                "tones",
                "ending",
                "intensity",
                "notes",
                "confidence",
            ]
        )
        for film_id, title, year, imdb_id, p in sorted(rows, key=lambda r: _id_order(r[0])):
            writer.writerow(
                [
                    film_id,
                    title,
                    year or "",
                    imdb_id or "",
                    " ".join(p.tones),
                    p.ending or "",
                    "".join(map(str, p.intensity)),
                    " ".join(p.notes),
                    p.confidence,
                ]
            )


def _id_order(film_id: str) -> tuple[int, str]:
    digits = film_id.lstrip("Q")
    return (int(digits), film_id) if digits.isdigit() else (0, film_id)
