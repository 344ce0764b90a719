#!/usr/bin/env python3
"""Merge labellers' tone profiles into the package's table (recommend/data/tones.csv).

    python scripts/build_tones.py LABELS.txt... [--keep]

Each input line is ``id|title|tones|ending|violence,fear,sadness|notes|confidence`` (tones and
notes comma-separated, ``-`` for none) or ``id|title|SKIP`` for a film the labeller did not know
well enough (docs/tones.md, "Writing profiles"). Every id must be a catalog film and every title
its catalog title (a check against shifted lines); every word must be in the vocabulary. Films
already in the table keep their profile unless an input profiles them again; ``--keep`` keeps
the table's profile even then. The output is sorted by id, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from emotionpix.core.tones import ENDINGS, NOTES, TONES, ToneProfile
from emotionpix.providers.catalog import CatalogProvider
from emotionpix.recommend.tones import BUNDLED_PROFILES, _profile, read_profiles, write_profiles

HEADER = """EmotionPix tone profiles, version 1. CC0-1.0: written by the EmotionPix team.
How they were made and checked: src/emotionpix/recommend/data/PROVENANCE.md.
Columns: catalog id, title, year, IMDb id, tones (most characteristic first), ending,
intensity (violence, fear, sadness; 0 none .. 3 strong), content notes, confidence."""


def parse(
    path: Path, titles: dict[str, tuple[str, int | None, str | None]]
) -> dict[str, ToneProfile]:
    """The profiles in one labeller's file; SystemExit naming the first bad line."""
    found: dict[str, ToneProfile] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("|")
        where = f"{path.name}:{number}"
        film_id, title = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
        if film_id not in titles or titles[film_id][0] != title:
            sys.exit(f"{where}: {film_id} {title!r} is not a catalog film with that title")
        if len(parts) == 3 and parts[2].strip() == "SKIP":
            continue
        if len(parts) != 7:
            sys.exit(f"{where}: expected 7 fields, got {len(parts)}")
        tones, ending, levels, notes, confidence = (p.strip() for p in parts[2:])
        # A word outside the vocabulary is dropped, never guessed into one (reported).
        kept = [t.strip() for t in tones.split(",") if t.strip() in TONES]
        dropped = [t for t in tones.split(",") if t.strip() not in TONES]
        if ending not in ENDINGS and ending != "-":
            dropped.append(f"ending {ending}")
            ending = "-"
        noted = [
            n.strip() for n in notes.split(",") if n.strip() in NOTES and n.strip() != "violence"
        ]
        dropped += [n for n in notes.split(",") if n.strip() not in (*noted, "-")]
        if dropped:
            print(f"{where}: {film_id} {title}: dropped {dropped}", file=sys.stderr)
        row = {
            "id": film_id,
            "tones": " ".join(kept),
            "ending": "" if ending == "-" else ending,
            "intensity": levels.replace(",", ""),
            "notes": " ".join(noted),
            "confidence": confidence,
        }
        try:
            found[film_id] = _profile(row, where)
        except ValueError as exc:
            sys.exit(str(exc))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="+", type=Path)
    parser.add_argument("--keep", action="store_true", help="never replace a profile")
    parser.add_argument("--out", type=Path, default=BUNDLED_PROFILES)
    args = parser.parse_args(argv)
    catalog = CatalogProvider()
    titles = {m.id: (m.title, m.year, m.imdb_id) for m in catalog.movies}
    profiles: dict[str, ToneProfile] = {}
    if args.out.exists():
        profiles, _ = read_profiles(args.out)
    before = len(profiles)
    for path in args.labels:
        for film_id, profile in parse(path, titles).items():
            if not (args.keep and film_id in profiles):
                profiles[film_id] = profile
    rows = [(i, *titles[i], p) for i, p in profiles.items()]
    write_profiles(args.out, rows, HEADER)
    print(f"{len(profiles)} profiles ({len(profiles) - before:+d}) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
