#!/usr/bin/env python3
"""Do the first pages fit the mood, in both modes? Precision against the blind judged set.

    python benchmarks/bench_tones.py [--json] [--seeds N] [--show MODE MOOD]

For every mood and mode, against ``benchmarks/data/tone_judgements.csv`` (judged before the
tone-based ranking existed; see benchmarks/data/README.md):

- **P@20**: precision of page 1 (20 films), the mean over ``--seeds`` seeds (the rotation
  shuffles the best 40, so page 1 depends on the seed), and the worst seed;
- **P@40**: precision of pages 1 and 2 (the same 40 films under every seed);
- **judged**: how many of those 40 the set judges (precision is over judged films).

"before" ranks by genres alone (the same code with no tone profiles: issue 17's mood fit);
"after" is the default, with the bundled profiles.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
from pathlib import Path
from typing import Any

from emotionpix import create_app
from emotionpix.recommend.moods import MODES
from emotionpix.recommend.recommender import Recommender
from emotionpix.recommend.tones import ToneBook
from emotionpix.wiring import recommender

JUDGEMENTS = Path(__file__).resolve().parent / "data" / "tone_judgements.csv"


def judgements() -> dict[tuple[str, str, str], bool]:
    """(mode, mood, id) -> fits."""
    with JUDGEMENTS.open(newline="") as handle:
        return {
            (row["mode"], row["mood"], row["id"]): row["fits"] == "1"
            for row in csv.DictReader(handle)
        }


def without_profiles(service: Recommender) -> Recommender:
    """The same recommender with an empty tone book: genres alone decide the fit."""
    return Recommender(
        service.provider,
        service.cache,
        service.mapping,
        service.filters,
        service.settings,
        service.moods,
        fallback=service.fallback,
        book=ToneBook({}),
    )


def precision(ids: list[str], mode: str, mood: str, judged: dict[tuple[str, str, str], bool]):
    known = [judged[(mode, mood, i)] for i in ids if (mode, mood, i) in judged]
    return (sum(known) / len(known) if known else float("nan")), len(known)


def cell(service: Recommender, mode: str, mood: str, judged: Any, seeds: int) -> dict[str, Any]:
    first40 = [
        p.movie.id
        for page in (1, 2)
        for p in service.recommend(mood, page=page, seed=1, mode=mode).picks
    ]
    p40, judged40 = precision(first40, mode, mood, judged)
    p20s = [
        precision(
            [p.movie.id for p in service.recommend(mood, page=1, seed=s, mode=mode).picks],
            mode,
            mood,
            judged,
        )[0]
        for s in range(1, seeds + 1)
    ]
    return {
        "p20": round(statistics.fmean(p20s), 3),
        "p20_worst": round(min(p20s), 3),
        "p40": round(p40, 3),
        "judged40": judged40,
        "films40": len(first40),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--show", nargs=2, metavar=("MODE", "MOOD"))
    args = parser.parse_args()
    judged = judgements()
    app = create_app({"CACHE_URL": "sqlite://"})
    with app.app_context():
        after = recommender(app)
        before = without_profiles(after)
        if args.show:
            mode, mood = args.show
            for which, service in (("before", before), ("after", after)):
                print(f"-- {which}")
                for page in (1, 2):
                    for p in service.recommend(mood, page=page, seed=1, mode=mode).picks:
                        verdict = judged.get((mode, mood, p.movie.id))
                        mark = "?" if verdict is None else ("y" if verdict else "N")
                        film = p.movie
                        print(f"{mark} {film.title} ({film.year}) {list(film.tones)} — {p.reason}")
            return
        table = {
            f"{mode}.{mood}": {
                "before": cell(before, mode, mood, judged, args.seeds),
                "after": cell(after, mode, mood, judged, args.seeds),
            }
            for mode in MODES
            for mood in after.mapping
        }
    if args.json:
        print(json.dumps(table, indent=2))
        return
    print("mode.mood          P@20 before → after (worst seed)   P@40 before → after  judged of 40")
    for name, row in table.items():
        b, a = row["before"], row["after"]
        p20 = f"{b['p20']:.2f} ({b['p20_worst']:.2f}) → {a['p20']:.2f} ({a['p20_worst']:.2f})"
        p40 = f"{b['p40']:.2f} → {a['p40']:.2f}"
        judged_ = f"{b['judged40']}/{b['films40']} → {a['judged40']}/{a['films40']}"
        print(f"{name:18} {p20:34} {p40:20} {judged_}")


if __name__ == "__main__":
    main()
