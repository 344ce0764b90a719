#!/usr/bin/env python3
"""How far could five signals take any learner? An ideal learner for bench_taste.py's replay.

    python benchmarks/taste_bound.py [--viewers 300] [--samples 4000] [--seed 1]

The replay's viewers come from a generator the app does not know (bench_taste.make_viewer)
and answer by a stated noise model (bench_taste.feedback). This script knows both. For each
replayed viewer it draws ``--samples`` viewers from the same generator, weighs each by the
likelihood of the real viewer's five verdicts and reasons under the noise model (importance
sampling), and reads every film of the test mood's pool by its expected acceptance, under
the population (the draws alike) and under the posterior (the draws weighed). It reports the
expected acceptance of the first five, as a ratio to the static ranking's, of:

- the taste as shipped (bench_taste's "learned", the same viewers and events);
- the population prior alone: no signal used, only what the generator's whole audience
  likes (knowledge about the crowd, not about the viewer);
- the signals' own worth: the static order's prior (taste/rerank.prior) plus ``k`` times
  what the five signals change in each film's expected acceptance (posterior less prior,
  four times, so ``k`` = 1 weighs it like the taste's score), for k in 1, 2, 4, 8.

The films ranked are the test mood's match pool less those rated, its first 200, as the taste
sees them. Nothing here is used by the app.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_taste as replay

from emotionpix import create_app
from emotionpix.core.emotions import EMOTIONS
from emotionpix.core.tones import TONES
from emotionpix.taste.model import Signal, Taste, learn
from emotionpix.taste.rerank import prior
from emotionpix.wiring import recommender

WEIGHTS = (1, 2, 4, 8)
CAUSES = ("kind", "age", "newer", "language", "mood")


class Films:
    """Every film the moods can show, as arrays the generator's utility is computed from."""

    def __init__(
        self, pools: dict[str, list[dict[str, Any]]], genres: list[str], directors: list[str]
    ):
        films = {m["id"]: m for films in pools.values() for m in films}
        self.movies = list(films.values())
        self.index = {m["id"]: i for i, m in enumerate(self.movies)}
        genre_at = {g: i for i, g in enumerate(genres)}
        tone_at = {t: i for i, t in enumerate(TONES)}
        n = len(self.movies)
        self.genres = np.zeros((n, len(genres)))
        self.tones = np.zeros((n, len(TONES)))
        self.decade = np.full(n, np.nan)
        self.foreign = np.zeros(n)
        made_by = {d: i for i, d in enumerate(directors)}
        self.director = np.array([made_by.get(m.get("director"), -1) for m in self.movies])
        self.up = np.zeros(n)
        self.heavy = np.zeros(n)
        for i, m in enumerate(self.movies):
            kinds, tones = m.get("genres") or [], (m.get("tones") or [])[:5]
            for g in kinds:
                self.genres[i, genre_at[g]] = 1 / math.sqrt(len(kinds))
            for t in tones:
                self.tones[i, tone_at[t]] = 1 / math.sqrt(len(tones))
            if isinstance(m.get("year"), int):
                self.decade[i] = m["year"] // 10 * 10
            self.foreign[i] = (m.get("languages") or ["English"])[0] != "English"
            self.up[i] = len(replay.UPLIFTING.intersection(tones))
            self.heavy[i] = len(replay.HEAVY.intersection(tones))


class Audience:
    """``size`` viewers drawn from the replay's generator, as arrays."""

    def __init__(self, rng: random.Random, size: int, genres: list[str], directors: list[str]):
        viewers = [replay.make_viewer(rng, genres, directors) for _ in range(size)]
        genre_at = {g: i for i, g in enumerate(genres)}
        tone_at = {t: i for i, t in enumerate(TONES)}
        self.genres = np.zeros((size, len(genres)))
        self.tones = np.zeros((size, len(TONES)))
        for s, v in enumerate(viewers):
            for g, w in v.genres.items():
                self.genres[s, genre_at[g]] = w
            for t, w in v.tones.items():
                self.tones[s, tone_at[t]] = w
        self.decade = np.array([v.decade for v in viewers], dtype=float)
        self.foreign = np.array([v.foreign for v in viewers])
        made_by = {d: i for i, d in enumerate(directors)}
        self.directors = np.array([sorted(made_by[d] for d in v.directors) for v in viewers])
        self.lift = np.array([[v.wish[e] == "lift" for e in EMOTIONS] for v in viewers])
        self.threshold = np.zeros(size)

    def parts(self, films: Films, which: np.ndarray, mood: str) -> dict[str, np.ndarray]:
        """bench_taste.Viewer.parts for every viewer (rows) and film in ``which`` (columns)."""
        decade = films.decade[which][None, :]
        gap = -np.minimum(1.0, 0.25 * np.abs(decade - self.decade[:, None]) / 10)
        gap = np.where(np.isnan(decade), 0.0, gap)
        made = films.director[which][None, :]
        lift = self.lift[:, EMOTIONS.index(mood)][:, None]
        up, heavy = films.up[which][None, :], films.heavy[which][None, :]
        return {
            "kind": self.genres @ films.genres[which].T + self.tones @ films.tones[which].T,
            "age": np.where(decade < self.decade[:, None], gap, 0.0),
            "newer": np.where(decade > self.decade[:, None], gap, 0.0),
            "language": self.foreign[:, None] * films.foreign[which][None, :],
            "maker": ((self.directors[:, :1] == made) | (self.directors[:, 1:] == made)) * 1.0,
            "mood": np.where(lift, 0.8 * (up - heavy), 0.4 * heavy),
        }

    def accepts(self, films: Films, which: np.ndarray, mood: str) -> np.ndarray:
        utility = sum(self.parts(films, which, mood).values())
        return 1 / (1 + np.exp(-replay.SLOPE * (utility - self.threshold[:, None])))

    def likelihood(self, films: Films, movie: dict[str, Any], mood: str, said: Signal) -> Any:
        """How likely each viewer was to say ``said`` about ``movie`` (the noise model)."""
        which = np.array([films.index[movie["id"]]])
        parts = {k: v[:, 0] for k, v in self.parts(films, which, mood).items()}
        p = 1 / (1 + np.exp(-replay.SLOPE * (sum(parts.values()) - self.threshold)))
        liked = (1 - replay.MISTAPS) * p + replay.MISTAPS * (1 - p)
        if said.verdict == "like":
            return liked
        if said.reason is None:
            return (1 - liked) * 0.4
        costs = np.stack([np.where(parts[k] < 0, parts[k], np.inf) for k in CAUSES])
        cause = np.array(CAUSES)[np.argmin(costs, axis=0)]
        cause[~np.isfinite(costs.min(axis=0))] = "kind"
        named = np.array([replay.CAUSES[c] for c in cause])
        match = (named == said.reason).astype(float)
        if replay.DARK_TONES.intersection(movie.get("tones") or ()):
            either = 0.5 * float(said.reason in ("not-in-mood", "too-dark"))
            match = np.where(cause == "mood", either, match)
        return (1 - liked) * 0.6 * match


def one_viewer(
    rng: random.Random,
    v: int,
    service: Any,
    pools: dict[str, list[dict[str, Any]]],
    people: tuple[list[str], list[str]],
    films: Films,
    audience: Audience,
) -> dict[str, float]:
    """One replayed viewer's first five events (as bench_taste draws them), and the first
    five's expected acceptance under each ranking. ``people``: the films' genres and
    directors, what viewers are drawn from."""
    viewer = replay.viewer_of(rng, pools, *people)
    test_mood, test_seed = replay.mood_of(rng), 10_000_000 + v
    mood = replay.mood_of(rng)
    shown = replay.page(service, mood, rng.randrange(10**6), None, set())[:5]
    said = [replay.feedback(viewer, m, mood, "cause") for m in shown]
    rated = {m["id"] for m in shown}

    def first_five(movies: list[dict[str, Any]]) -> float:
        return statistics.fmean(viewer.accepts(m, test_mood) for m in movies[:5])

    found = {
        "static": first_five(replay.page(service, test_mood, test_seed, None, rated)),
        "taste as shipped": first_five(
            replay.page(service, test_mood, test_seed, learn(said, Taste()), rated)
        ),
    }
    weight = np.ones(len(audience.threshold))
    for movie, signal in zip(shown, said, strict=True):
        weight *= audience.likelihood(films, movie, mood, signal)
    weight /= weight.sum()
    candidates = [m for m in pools[test_mood] if m["id"] not in rated][:200]
    which = np.array([films.index[m["id"]] for m in candidates])
    accepts = audience.accepts(films, which, test_mood)
    everyone, this_one = accepts.mean(axis=0), weight @ accepts
    places = np.array([prior(i) for i in range(len(candidates))])

    def best(score: np.ndarray) -> list[dict[str, Any]]:
        return [candidates[i] for i in np.argsort(-score)[:5]]

    found["population prior alone"] = first_five(best(everyone))
    for k in WEIGHTS:
        found[f"static + {k} x the signals' change"] = first_five(
            best(places + 4 * k * (this_one - everyone))
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=300)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    service = recommender(create_app({"ENV": "testing", "INSTANCE_PATH": tempfile.mkdtemp()}))
    pools, genres, directors = replay.audience(service)
    films = Films(pools, genres, directors)
    audience = Audience(random.Random(7), args.samples, genres, directors)
    utilities = np.concatenate(
        [
            sum(
                audience.parts(
                    films, np.array([films.index[m["id"]] for m in pools[e]]), e
                ).values()
            )
            for e in EMOTIONS
        ],
        axis=1,
    )
    audience.threshold = np.sort(utilities, axis=1)[:, int(replay.PICKINESS * utilities.shape[1])]

    rng = random.Random(args.seed)
    found: dict[str, list[float]] = {}
    for v in range(args.viewers):
        drawn = one_viewer(rng, v, service, pools, (genres, directors), films, audience)
        for name, value in drawn.items():
            found.setdefault(name, []).append(value)
    base = statistics.fmean(found["static"])
    print(f"{args.viewers} viewers, {args.samples} drawn viewers each; first five after 5 events")
    print("| ranking | first five | / static |\n|---|---|---|")
    for name, values in found.items():
        mean = statistics.fmean(values)
        print(f"| {name} | {mean:.3f} | {mean / base:.2f} |")


if __name__ == "__main__":
    main()
