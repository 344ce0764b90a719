#!/usr/bin/env python3
"""Do the first pages fit the mood? Precision against a hand-judged set, old ranking vs new.

    python benchmarks/bench_mood_fit.py [--json] [--unjudged] [--show MOOD ...]

For each mood (match mode) the first 40 films (pages 1 and 2 of one seed: the rotation only
shuffles within those 40) are scored against ``benchmarks/data/mood_judgements.csv``:
precision over the judged films, and how many of the 40 were judged. Also: how many films
sad and neutral share, how many films are in the first 40 of four or more moods, and the
warm in-process latency of a recommendation (p50, like bench_recommend.py), of one mood and
of a close call blending two.

"old" is the ranking before the mood fit: any film that carries the genre, by weighted
rating (the same code with ``EMOTIONPIX_MOOD_FIT={"threshold": 0, "weight": 0,
"variety": 0}``). "new" is the default configuration.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from emotionpix import create_app
from emotionpix.recommend.recommender import Recommender
from emotionpix.wiring import recommender

JUDGEMENTS = Path(__file__).resolve().parent / "data" / "mood_judgements.csv"
OLD = {"threshold": 0, "weight": 0, "variety": 0}
FIRST = 40


def judgements() -> dict[str, tuple[set[str], set[str]]]:
    """id -> (moods it fits, moods it does not fit)."""
    with JUDGEMENTS.open(newline="") as handle:
        return {
            row["id"]: (set(row["fits"].split()), set(row["does_not_fit"].split()))
            for row in csv.DictReader(handle)
        }


def first_films(service: Recommender, emotion: str, mode: str) -> list[Any]:
    pages = [service.recommend(emotion, page=p, seed=1, mode=mode) for p in (1, 2)]
    return [pick for page in pages for pick in page.picks][:FIRST]


def warm_p50_ms(service: Recommender, blended: bool = False, rounds: int = 700) -> float:
    """p50 of a cached recommendation, one mood after another; ``blended``: each a close
    call between that mood and the next."""
    moods = list(service.mapping)

    def call(i: int) -> None:
        emotion, runner_up = moods[i % len(moods)], moods[(i + 1) % len(moods)]
        if blended:
            service.recommend(probabilities={emotion: 0.45, runner_up: 0.35})
        else:
            service.recommend(emotion)

    for i in range(len(moods)):  # fill the cache
        call(i)
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 3)


def measure(fit: dict[str, Any], judged: dict[str, tuple[set[str], set[str]]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        service = recommender(create_app({"INSTANCE_PATH": tmp, "MOOD_FIT": fit}))
        firsts = {e: first_films(service, e, "match") for e in service.mapping}
        lift = {e: first_films(service, e, "lift") for e in service.mapping}
        latency, blended = warm_p50_ms(service), warm_p50_ms(service, blended=True)
    precision = {}
    for emotion, picks in firsts.items():
        labelled = [p for p in picks if emotion in set.union(*judged.get(p.movie.id, (set(),)))]
        fitting = [p for p in labelled if emotion in judged[p.movie.id][0]]
        precision[emotion] = {
            "precision": round(len(fitting) / len(labelled), 3) if labelled else None,
            "judged": len(labelled),
            "films": len(picks),
        }
    ids = {e: {p.movie.id for p in picks} for e, picks in firsts.items()}
    counts = Counter(i for films in ids.values() for i in films)
    return {
        "precision_at_40": precision,
        "sad_neutral_overlap": len(ids["sad"] & ids["neutral"]),
        "films_in_4_plus_moods": sum(1 for n in counts.values() if n >= 4),
        "warm_p50_ms": latency,
        "warm_p50_blended_ms": blended,
        "first_40": {e: [_line(p) for p in picks] for e, picks in firsts.items()},
        "lift_first_40": {e: [_line(p) for p in picks] for e, picks in lift.items()},
        "unjudged": sorted(
            {f"{p.movie.id} {p.movie.title} ({p.movie.year}) {', '.join(p.movie.genres)}"
             for e, picks in firsts.items() for p in picks
             if e not in set.union(*judged.get(p.movie.id, (set(),)))}
        ),
    }  # fmt: skip


def _line(pick: Any) -> str:
    movie = pick.movie
    return f"{movie.id} {movie.title} ({movie.year}) [{', '.join(movie.genres)}] {pick.reason}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--unjudged", action="store_true", help="list unjudged first-40 films")
    parser.add_argument("--show", nargs="*", default=[], help="print these moods' first 40")
    args = parser.parse_args()
    judged = judgements()
    results = {"old": measure(OLD, judged), "new": measure({}, judged)}
    if args.json:
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print(f"{'mood':9} {'old p@40':>14} {'new p@40':>14}")
    for emotion, old in results["old"]["precision_at_40"].items():
        new = results["new"]["precision_at_40"][emotion]
        print(f"{emotion:9} {_cell(old):>14} {_cell(new):>14}")
    for name in (
        "sad_neutral_overlap",
        "films_in_4_plus_moods",
        "warm_p50_ms",
        "warm_p50_blended_ms",
    ):
        print(f"{name:22} old {results['old'][name]:>8}   new {results['new'][name]:>8}")
    for spec in args.show:
        mode, _, emotion = spec.rpartition(":")
        table = "lift_first_40" if mode == "lift" else "first_40"
        print(f"\n{spec} (new):", *results["new"][table][emotion], sep="\n  ")
    if args.unjudged:
        print("\nunjudged in the new first 40s:", *results["new"]["unjudged"], sep="\n  ")


def _cell(figures: dict[str, Any]) -> str:
    if figures["precision"] is None:
        return "-"
    return f"{figures['precision']:.2f} ({figures['judged']}/{figures['films']})"


if __name__ == "__main__":
    main()
