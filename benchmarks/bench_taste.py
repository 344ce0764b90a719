#!/usr/bin/env python3
"""Does the taste help? An offline replay with simulated viewers, and the taste's latency.

    python benchmarks/bench_taste.py [--viewers 1000] [--seed 1] [--json]

Viewers. Each simulated viewer has hidden preferences over the very features the taste
learns from (taste/features.py) — they are never shown to the model:

- genres: three liked (+0.5..+1.5 each) and two disliked (-0.5..-1.5), the rest 0;
- tones: four liked (+0.5..+1.5) and three disliked (-0.5..-1.5) of the 35;
- decade: a favourite decade (1960s-2010s); -0.25 per decade away, at most -1;
- language: 30 % of viewers like films not in English (+0.8), the rest mildly not (-0.3);
- people: two favourite directors, drawn from the films the app shows (+1.0);
- per mood, a wish: to have the mood matched (films that feel heavy +0.4 per such tone) or
  lifted (uplifting tones +0.8 each, heavy ones -0.8 each), drawn 50/50 per mood.

A film's utility u sums these (genres and tones divided by the square root of how many the
film has, as the taste's own score does). Noise model: the viewer accepts a film shown with
probability sigmoid(1.5 (u - t)), where t, their pickiness, is the 65th percentile of their
utility over every film the moods can show (so about a third of the app's films suit them);
what they say about a card is the outcome of that draw ("More like this" if accepted, else
"Not for me": 55 % with no reason, 25 % "not my taste", 20 % "not in the mood"), and 5 % of
their taps are mistakes (the opposite verdict).

Replay. A viewer arrives in a mood (neutral 35 %, happy 20 %, sad 15 %, the others 7.5 %
each), is shown the first page (match mode, a fresh seed) and gives feedback on its first
five cards: one feedback event each. After 0, 5 and 20 events the first page of a test mood
(drawn once per viewer, with a seed never used in training) is read twice: by the static
ranking (no taste) and by the learned one; films the viewer already rated are left out of
both (they have seen them). The figures are expected acceptances (the mean of the
acceptance probabilities, which removes the draw's own noise from the comparison) of the
first film and of the first five, and the first page's variety (distinct genres plus
distinct tones of its 20 films); 95 % confidence intervals are normal over viewers for the
means and a paired bootstrap (2,000 resamples) for the ratios.

Latency: a warm /api/recommendations (the mood's pool cached) over the Flask test client,
without a taste, with a guest's taste after 5 and 20 events, and for a signed-in viewer's
20 kept signals; p50 and p95 of 300 requests each, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emotionpix import create_app
from emotionpix.core.emotions import EMOTIONS
from emotionpix.core.tones import TONES
from emotionpix.recommend.recommender import Recommender
from emotionpix.taste import compact
from emotionpix.taste.crowd import Crowd, Crowds, gather
from emotionpix.taste.features import DARK as DARK_TONES
from emotionpix.taste.model import Signal, Taste, learn
from emotionpix.web.taste import CROWD_KEY
from emotionpix.wiring import recommender

MOODS = {"neutral": 0.35, "happy": 0.2, "sad": 0.15}
OTHERS = [e for e in EMOTIONS if e not in MOODS]
MOODS.update({e: (1 - sum(MOODS.values())) / len(OTHERS) for e in OTHERS})
UPLIFTING = {"feel-good", "uplifting", "funny", "heartwarming", "inspiring", "comforting"}
HEAVY = {"devastating", "harrowing", "bleak", "melancholic", "moving", "dark", "disturbing"}
SLOPE = 1.5
PICKINESS = 0.65  # the quantile of a viewer's utilities they accept above
MISTAPS = 0.05
CHECKPOINTS = (0, 5, 20)
PER_SESSION = 5
FIRST_PAGE = 20
CROWD = 300  # members who rated films before the replayed viewers came
CROWD_EVENTS = 20  # films each of them rated
ARMS = {"taste": "own taste alone", "crowd": "crowd alone", "learned": "both (as shipped)"}


@dataclass
class Viewer:
    genres: dict[str, float]
    tones: dict[str, float]
    decade: int
    foreign: float
    directors: set[str]
    wish: dict[str, str]
    threshold: float = 0.0
    slope: float = SLOPE
    rng: random.Random = field(default_factory=random.Random)

    def parts(self, movie: dict[str, Any], mood: str) -> dict[str, float]:
        """The utility's parts: what the film's kind, age, language, maker and feel for this
        mood add up to."""
        genres = movie.get("genres") or []
        tones = (movie.get("tones") or [])[:5]
        kind = sum(self.genres.get(g, 0.0) for g in genres) / math.sqrt(len(genres) or 1)
        kind += sum(self.tones.get(t, 0.0) for t in tones) / math.sqrt(len(tones) or 1)
        year = movie.get("year")
        age = (
            -min(1.0, 0.25 * abs(year // 10 * 10 - self.decade) / 10)
            if isinstance(year, int)
            else 0.0
        )
        languages = movie.get("languages") or ["English"]
        up, heavy = len(UPLIFTING.intersection(tones)), len(HEAVY.intersection(tones))
        return {
            "kind": kind,
            "age": age if isinstance(year, int) and year // 10 * 10 < self.decade else 0.0,
            "newer": age if isinstance(year, int) and year // 10 * 10 > self.decade else 0.0,
            "language": self.foreign if languages[0] != "English" else 0.0,
            "maker": 1.0 if movie.get("director") in self.directors else 0.0,
            "mood": 0.8 * (up - heavy) if self.wish[mood] == "lift" else 0.4 * heavy,
        }

    def utility(self, movie: dict[str, Any], mood: str) -> float:
        return sum(self.parts(movie, mood).values())

    def accepts(self, movie: dict[str, Any], mood: str) -> float:
        return 1 / (1 + math.exp(-self.slope * (self.utility(movie, mood) - self.threshold)))


def make_viewer(rng: random.Random, genres: list[str], directors: list[str]) -> Viewer:
    picked = rng.sample(genres, 5)
    tones = rng.sample(list(TONES), 7)
    return Viewer(
        genres={g: rng.uniform(0.5, 1.5) * (1 if i < 3 else -1) for i, g in enumerate(picked)},
        tones={t: rng.uniform(0.5, 1.5) * (1 if i < 4 else -1) for i, t in enumerate(tones)},
        decade=rng.choice(range(1960, 2020, 10)),
        foreign=0.8 if rng.random() < 0.3 else -0.3,
        directors=set(rng.sample(directors, 2)),
        wish={e: rng.choice(("match", "lift")) for e in EMOTIONS},
        rng=random.Random(rng.random()),
    )


def mood_of(rng: random.Random) -> str:
    return rng.choices(list(MOODS), weights=list(MOODS.values()))[0]


def page(
    service: Recommender,
    mood: str,
    seed: int,
    taste: Taste | None,
    rated: set[str],
    crowd: Crowd | None = None,
) -> list[dict[str, Any]]:
    service.crowd = lambda: crowd
    answer = service.recommend(mood, seed=seed, taste=taste, exclude=rated)
    return [pick.movie.to_dict() for pick in answer.picks]


def audience(service: Recommender) -> tuple[dict[str, list[dict[str, Any]]], list[str], list[str]]:
    """Every mood's films, and the genres and directors among them (what viewers are made of)."""
    pools = {e: [i["movie"] for i in service._pool("match", e)[0]] for e in EMOTIONS}
    every = {m["id"]: m for films in pools.values() for m in films}
    genres = sorted({g for m in every.values() for g in m["genres"]})
    directors = sorted({m["director"] for m in every.values() if m.get("director")})
    return pools, genres, directors


def viewer_of(
    rng: random.Random,
    pools: dict[str, list[dict[str, Any]]],
    genres: list[str],
    directors: list[str],
) -> Viewer:
    """A new viewer, their pickiness set from every film the moods show."""
    viewer = make_viewer(rng, genres, directors)
    utilities = sorted(viewer.utility(m, e) for e in EMOTIONS for m in pools[e])
    viewer.threshold = utilities[int(PICKINESS * len(utilities))]
    return viewer


def members(
    service: Recommender, n: int, seed: int, events: int, reasons: str, slope: float = SLOPE
) -> Crowd:
    """The crowd of ``n`` members drawn as the replay's viewers are (another seed, so none of
    them is a replayed viewer), each having rated ``events`` films as the app showed them
    (their own taste, no crowd yet), gathered as the app gathers its members' signals."""
    rng = random.Random(seed)
    pools, genres, directors = audience(service)
    said = []
    for _ in range(n):
        viewer = viewer_of(rng, pools, genres, directors)
        viewer.slope = slope
        taste, rated, signals = Taste(), set(), []
        while len(signals) < events:
            signals += visit(service, viewer, rng, taste, rated, reasons)
        said.append(signals)
    return gather(said)


def visit(
    service: Recommender,
    viewer: Viewer,
    rng: random.Random,
    taste: Taste,
    rated: set[str],
    reasons: str,
    crowd: Crowd | None = None,
) -> list[Signal]:
    """One visit: a mood, its first page as the app shows it (the viewer's ``taste``, the
    ``crowd``), and the viewer's feedback on its first five cards, learned and rated."""
    mood = mood_of(rng)
    shown = page(service, mood, rng.randrange(10**6), taste, rated, crowd)[:PER_SESSION]
    signals = [feedback(viewer, m, mood, reasons) for m in shown]
    learn(signals, taste)
    rated.update(m["id"] for m in shown)
    return signals


def variety(movies: list[dict[str, Any]]) -> int:
    return len({g for m in movies for g in m["genres"]}) + len(
        {t for m in movies for t in m["tones"]}
    )


# The reason a viewer who names one gives for the part of a film's utility that cost most.
CAUSES = {
    "kind": "not-my-taste",
    "age": "too-old",
    "newer": "not-my-taste",
    "language": "not-my-language",
    "mood": "not-in-mood",
}


def feedback(viewer: Viewer, movie: dict[str, Any], mood: str, reasons: str) -> Signal:
    """What the viewer says about a card (the noise model: see the module's docstring)."""
    liked = viewer.rng.random() < viewer.accepts(movie, mood)
    if viewer.rng.random() < MISTAPS:
        liked = not liked
    if liked:
        return Signal.about(movie, "like", emotion=mood)
    if reasons == "random":
        reason = viewer.rng.choices((None, "not-my-taste", "not-in-mood"), (0.55, 0.25, 0.2))[0]
    elif viewer.rng.random() < 0.4:  # "cause": four in ten dislikes come without a reason
        reason = None
    else:
        parts = viewer.parts(movie, mood)
        worst = min((p for p in CAUSES if parts[p] < 0), key=parts.__getitem__, default="kind")
        reason = CAUSES[worst]
        if worst == "mood" and DARK_TONES.intersection(movie.get("tones") or ()):
            reason = viewer.rng.choice(("not-in-mood", "too-dark"))
    return Signal.about(movie, "dislike", reason, mood)


def replay(
    service: Recommender,
    viewers: int,
    seed: int,
    reasons: str = "cause",
    slope: float = SLOPE,
    crowd: Crowd | None = None,
) -> dict[str, Any]:
    """Each viewer's test page after 0, 5 and 20 events, read four ways: "static" (the
    mood's rules), "taste" (their own taste alone), "crowd" (the ``crowd`` alone: what a
    viewer with no signals gets) and "learned" (both: the app as it ships)."""
    rng = random.Random(seed)
    pools, genres, directors = audience(service)
    rows: dict[tuple[int, str], list[tuple[float, float, int]]] = {}
    for v in range(viewers):
        viewer = viewer_of(rng, pools, genres, directors)
        viewer.slope = slope
        test_mood, test_seed = mood_of(rng), 10_000_000 + v
        taste, rated, events = Taste(), set(), 0
        for checkpoint in CHECKPOINTS:
            while events < checkpoint:
                events += len(visit(service, viewer, rng, taste, rated, reasons, crowd))
            arms = {"static": (None, None), "taste": (taste, None), "learned": (taste, crowd)}
            if crowd is not None:
                arms["crowd"] = (None, crowd)
            for name, (used, among) in arms.items():
                films = page(service, test_mood, test_seed, used, rated, among)
                p = [viewer.accepts(m, test_mood) for m in films]
                rows.setdefault((checkpoint, name), []).append(
                    (p[0], statistics.fmean(p[:5]), variety(films[:FIRST_PAGE]))
                )
    return summarise(rows, random.Random(seed + 1))


def story(service: Recommender, seed: int, days: int = 7, crowd: Crowd | None = None) -> list[str]:
    """One simulated viewer's first week: a visit a day (a mood, the first page, feedback
    on its first five cards), and how the first five would suit them, static vs learned
    (their taste, from the ``crowd``'s)."""
    rng = random.Random(seed)
    pools, genres, directors = audience(service)
    viewer = viewer_of(rng, pools, genres, directors)
    likes = ", ".join(f"{g} {w:+.1f}" for g, w in viewer.genres.items())
    tones = ", ".join(f"{t} {w:+.1f}" for t, w in viewer.tones.items())
    lines = [
        f"Hidden: genres {likes}; tones {tones}; favourite decade {viewer.decade}s; "
        f"{'likes' if viewer.foreign > 0 else 'mildly avoids'} films not in English; "
        "wishes: " + ", ".join(f"{e} {w}" for e, w in viewer.wish.items()),
    ]
    taste, rated = Taste(), set()
    for day in range(1, days + 1):
        mood, seed_of_day = mood_of(rng), rng.randrange(10**6)
        shown = page(service, mood, seed_of_day, taste, rated, crowd)
        static = page(service, mood, seed_of_day, None, rated)
        p_learned = statistics.fmean(viewer.accepts(m, mood) for m in shown[:5])
        p_static = statistics.fmean(viewer.accepts(m, mood) for m in static[:5])
        said = []
        for movie in shown[:PER_SESSION]:
            signal = feedback(viewer, movie, mood, "cause")
            learn([signal], taste)
            word = (
                "👍"
                if signal.verdict == "like"
                else f"👎{f' ({signal.reason})' if signal.reason else ''}"
            )
            said.append(f"{movie['title']} {word}")
        rated.update(m["id"] for m in shown[:PER_SESSION])
        lines.append(
            f"Day {day}, {mood}: first five suit them {p_learned:.2f} (static {p_static:.2f}); "
            + "; ".join(said)
        )
    top = ", ".join(f"{t['feature']} {t['weight']:+.2f}" for t in taste.top(6))
    lines.append(f"After a week ({taste.events} signals) the taste's strongest weights: {top}")
    return lines


def mean_ci(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    return mean, 1.96 * statistics.stdev(values) / math.sqrt(len(values))


def ratio_ci(a: list[float], b: list[float], rng: random.Random) -> tuple[float, float, float]:
    """mean(a) / mean(b), paired by viewer, with a 95 % bootstrap interval."""
    n = len(a)
    ratios = []
    for _ in range(2000):
        idx = [rng.randrange(n) for _ in range(n)]
        ratios.append(sum(a[i] for i in idx) / sum(b[i] for i in idx))
    ratios.sort()
    return statistics.fmean(a) / statistics.fmean(b), ratios[50], ratios[1949]


def summarise(
    rows: dict[tuple[int, str], list[tuple[float, float, int]]], rng: random.Random
) -> dict[str, Any]:
    """Per checkpoint: static vs learned (first film, first five, variety), and the first
    five of every other arm against the static ranking's."""
    table = []
    for checkpoint in CHECKPOINTS:
        static, learned = rows[(checkpoint, "static")], rows[(checkpoint, "learned")]
        line: dict[str, Any] = {"events": checkpoint}
        for k, name in enumerate(("first", "first_five", "variety")):
            s = [float(r[k]) for r in static]
            t = [float(r[k]) for r in learned]
            line[name] = {
                "static": mean_ci(s),
                "learned": mean_ci(t),
                "ratio": ratio_ci(t, s, rng),
            }
        s = [r[1] for r in static]
        line["arms"] = {
            arm: {
                "first_five": mean_ci([r[1] for r in found]),
                "ratio": ratio_ci([r[1] for r in found], s, rng),
            }
            for (at, arm), found in rows.items()
            if at == checkpoint and arm != "static"
        }
        table.append(line)
    return {"viewers": len(rows[(0, "static")]), "table": table}


def latency(rounds: int) -> dict[str, Any]:
    """Warm /api/recommendations without and with a taste (guest, and signed in)."""
    from tests.accounts import console, csrf_token, verified_user

    app = create_app(
        {
            "ENV": "testing",
            "TESTING": True,
            "INSTANCE_PATH": tempfile.mkdtemp(),
            "PASSWORD_HASHING": "cheapest",
            "RATELIMIT_ENABLED": False,
        }
    )
    service = recommender(app)
    pool = [i["movie"] for i in service._pool("match", "happy")[0]]
    rng = random.Random(5)
    tastes = {}
    for events in (5, 20):
        chosen = rng.sample(pool, events)
        tastes[events] = compact.encode(
            learn(Signal.about(m, rng.choice(("like", "dislike")), emotion="happy") for m in chosen)
        )
    guest = app.test_client()
    member = app.test_client()
    verified_user(member, console(app), "bench@example.com")
    member.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(member, "/")
    for m in rng.sample(pool, 20):
        member.post(
            "/api/feedback",
            json={
                "movie_id": m["id"],
                "verdict": rng.choice(("like", "dislike")),
                "emotion": "happy",
            },
        )
    lonely = app.test_client()  # a member who has said nothing yet
    verified_user(lonely, console(app), "quiet@example.com")
    for n in range(8):  # members who have said enough for a crowd: every case ranks by it
        fan = app.test_client()
        verified_user(fan, console(app), f"fan{n}@example.com")
        fan.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(fan, "/")
        for m in rng.sample(pool, 20):
            verdict = rng.choice(("like", "dislike"))
            fan.post(
                "/api/feedback", json={"movie_id": m["id"], "verdict": verdict, "emotion": "happy"}
            )
    # Read afresh now that they have spoken (the app's own is rebuilt every 10 minutes).
    service.crowd = Crowds(app.extensions[CROWD_KEY].read).current
    assert service.crowd() is not None
    cases = {
        "guest, no taste, no crowd": (guest, {}),
        "guest, no taste": (guest, {}),
        "guest, taste of 5 events": (guest, {"taste": tastes[5]}),
        "guest, taste of 20 events": (guest, {"taste": tastes[20]}),
        "member, no signals": (lonely, {}),
        "member, 20 signals kept": (member, {}),
    }
    crowded = service.crowd

    def get(name: str, client: Any, params: dict[str, Any]) -> Any:
        service.crowd = (lambda: None) if name.endswith("no crowd") else crowded
        return client.get("/api/recommendations", query_string=params)

    for name, (client, params) in cases.items():  # warm: pools cached, code paths loaded
        for e in EMOTIONS:
            get(name, client, {"emotion": e, **params})
    timings: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(rounds):  # interleaved, so a busy moment hits every case alike
        for name, (client, params) in cases.items():
            mood = EMOTIONS[i % len(EMOTIONS)]
            start, used = time.perf_counter(), time.thread_time()
            answer = get(name, client, {"emotion": mood, "seed": i, **params})
            cpu[name].append((time.thread_time() - used) * 1000)
            timings[name].append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200
    bases = {"guest": "guest, no taste", "member": "member, no signals"}  # both with the crowd
    found = {}
    for name, t in timings.items():
        base = bases[name.split(",")[0]]
        found[name] = {
            "p50_ms": round(statistics.median(t), 2),
            "p95_ms": round(sorted(t)[int(0.95 * len(t))], 2),
            "cpu_p50_ms": round(statistics.median(cpu[name]), 2),
            "ratio_p50": round(statistics.median(t) / statistics.median(timings[base]), 2),
            "ratio_cpu": round(statistics.median(cpu[name]) / statistics.median(cpu[base]), 2),
        }
    return found


def markdown(result: dict[str, Any], timings: dict[str, Any], only_latency: bool = False) -> str:
    def cell(pair: tuple[float, float], digits: int = 3) -> str:
        return f"{pair[0]:.{digits}f} ± {pair[1]:.{digits}f}"

    def ratio(triple: tuple[float, float, float]) -> str:
        return f"{triple[0]:.2f} [{triple[1]:.2f}, {triple[2]:.2f}]"

    noise = result["noise"]
    if only_latency:
        lines: list[str] = []
    else:
        lines = [
            f"{result['viewers']} simulated viewers (slope {noise['slope']}, reasons: "
            f"{noise['reasons']}, mistaps {noise['mistaps']}; a crowd of "
            f"{result['crowd']['members']} members, {result['crowd']['events']} films each); "
            "means ± 95 % CI, ratios learned/static [95 % CI]",
            "",
            "| events | first film: static | learned | ratio | first five: static | learned "
            "| ratio | variety: static | learned | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
    for line in result["table"]:
        f, five, var = line["first"], line["first_five"], line["variety"]
        lines.append(
            f"| {line['events']} | {cell(f['static'])} | {cell(f['learned'])} "
            f"| {ratio(f['ratio'])} "
            f"| {cell(five['static'])} | {cell(five['learned'])} | {ratio(five['ratio'])} "
            f"| {cell(var['static'], 1)} | {cell(var['learned'], 1)} | {ratio(var['ratio'])} |"
        )
    arms = [
        arm
        for arm in ("taste", "crowd", "learned")
        if result["table"] and arm in result["table"][0]["arms"]
    ]
    if arms:
        lines += [
            "",
            "| events | "
            + " | ".join(f"first five: {ARMS[arm]} | / static" for arm in arms)
            + " |",
            "|---|" + "---|---|" * len(arms),
        ]
        for line in result["table"]:
            lines.append(
                f"| {line['events']} | "
                + " | ".join(
                    f"{cell(line['arms'][arm]['first_five'])} | {ratio(line['arms'][arm]['ratio'])}"
                    for arm in arms
                )
                + " |"
            )
    if not timings:
        return "\n".join(lines)
    lines += [
        "",
        "| warm /api/recommendations | p50 ms | p95 ms | CPU p50 ms | p50 / without "
        "| CPU / without |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in timings.items():
        lines.append(
            f"| {name} | {t['p50_ms']} | {t['p95_ms']} | {t['cpu_p50_ms']} | {t['ratio_p50']} "
            f"| {t['ratio_cpu']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--slope", type=float, default=SLOPE, help="the noise model's slope")
    parser.add_argument("--reasons", choices=("cause", "random"), default="cause")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--story", type=int, metavar="SEED", help="one viewer's first week")
    parser.add_argument(
        "--crowd", type=int, default=CROWD, help="members before the viewers (0: no crowd)"
    )
    parser.add_argument("--crowd-events", type=int, default=CROWD_EVENTS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = create_app({"ENV": "testing", "INSTANCE_PATH": tempfile.mkdtemp()})
    if args.latency_only:
        print(markdown({"viewers": 0, "noise": {}, "table": []}, latency(args.rounds), True))
        return
    service = recommender(app)
    started = time.perf_counter()
    crowd = (
        members(
            service, args.crowd, args.seed + 1_000_003, args.crowd_events, args.reasons, args.slope
        )
        if args.crowd
        else None
    )
    if args.story is not None:
        print("\n".join(story(service, args.story, crowd=crowd)))
        return
    result = replay(service, args.viewers, args.seed, args.reasons, args.slope, crowd)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["noise"] = {"slope": args.slope, "reasons": args.reasons, "mistaps": MISTAPS}
    result["crowd"] = {"members": args.crowd, "events": args.crowd_events}
    timings = {} if args.no_latency else latency(args.rounds)
    if args.json:
        print(json.dumps({"replay": result, "latency": timings}, indent=2))
    else:
        print(markdown(result, timings))
        print(f"\n(replay: {result['seconds']} s)")


if __name__ == "__main__":
    main()
