#!/usr/bin/env python3
"""A realistic trace against TMDB with real network latency: provider calls made and saved,
cache hit rate, and cold/warm latency (the paper: 65 % hit rate, 2.3 s cold, 0.6 s warm).

    python benchmarks/bench_providers.py [--latency 0.2] [--users 12] [--json]

Runs the repository's TMDB stand-in (tests/standins, real HTTP on 127.0.0.1) with every answer
delayed by ``--latency`` seconds, and the app in-process against it. Each simulated user
(several at a time) picks moods (all seven, the popular ones more often), sometimes asks for
a second page, searches titles from a shared list of popular queries, and opens the details
of films they were shown. A request is "cold" when its answer was not cached yet.
Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.standins import tmdb

from emotionpix import create_app

MOODS = ["happy"] * 4 + ["sad"] * 3 + ["neutral"] * 3 + ["angry", "surprise", "fear", "disgust"]
QUERIES = ["sholay", "inception", "dangal", "3 idiots", "oppenheimer", "rrr", "comedy story 1"]


def user_session(client: Any, rng: random.Random, log: list[tuple[str, float, str]]) -> None:
    """One visitor: three moods, maybe a second page, two searches, three details."""

    def get(url: str, kind: str) -> Any:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        body = response.get_json()
        source = body.get("source", "details") if isinstance(body, dict) else "error"
        log.append((kind, elapsed, source))
        return body

    seen: list[str] = []
    for mood in rng.sample(MOODS, 3):
        body = get(f"/api/recommendations?emotion={mood}", "recommend")
        seen += [m["id"] for m in body["movies"][:5]]
        if rng.random() < 0.3:
            get(f"/api/recommendations?emotion={mood}&page=2&seed={body['seed']}", "recommend")
    for query in rng.sample(QUERIES, 2):
        get(f"/api/search?q={query}", "search")
    for movie_id in rng.sample(seen, 3):
        get(f"/api/movies/{movie_id}", "details")


def percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per API answer")
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--parallel", type=int, default=4, help="users at the same time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the stand-in's request log
    api = tmdb.serve()
    api.delay = args.latency
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="emotionpix-bench-"),
            "PROVIDER": "tmdb",
            "TMDB_API_KEY": tmdb.API_KEY,
            "TMDB_BASE_URL": f"{api.url}/3",
        }
    )
    log: list[tuple[str, float, str]] = []
    rng = random.Random(args.seed)
    seeds = [rng.randrange(1 << 30) for _ in range(args.users)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        for future in [
            pool.submit(user_session, app.test_client(), random.Random(s), log) for s in seeds
        ]:
            future.result()
    wall = time.perf_counter() - started
    stats = app.test_client().get("/api/stats").get_json()
    # Warm alone: every recommendation and search of the trace again, one at a time.
    replay: list[tuple[str, float, str]] = []
    client = app.test_client()
    for mood in sorted(set(MOODS)):
        for _ in range(20):
            started = time.perf_counter()
            body = client.get(f"/api/recommendations?emotion={mood}").get_json()
            replay.append(("recommend", (time.perf_counter() - started) * 1000, body["source"]))
    for query in QUERIES:
        started = time.perf_counter()
        body = client.get(f"/api/search?q={query}").get_json()
        replay.append(("search", (time.perf_counter() - started) * 1000, body["source"]))
    api.stop()

    cold = [ms for kind, ms, source in log if source == "provider"]
    warm = [ms for kind, ms, source in log if source == "cache"]
    report = {
        "latency_s": args.latency,
        "users": args.users,
        "requests": len(log),
        "wall_s": round(wall, 1),
        "http_requests_to_tmdb": len(api.requests),
        "provider_calls": stats["cache"]["provider_calls"],
        "calls_saved_by_cache": stats["cache"]["hits"],
        "hit_rate": stats["cache"]["hit_rate"],
        "cold": percentiles(cold),
        "warm": percentiles(warm),
        "warm_alone": percentiles([ms for _, ms, source in replay if source == "cache"]),
        "details": percentiles([ms for kind, ms, _ in log if kind == "details"]),
        "by_kind_cold": {
            kind: percentiles([ms for k, ms, source in log if k == kind and source == "provider"])
            for kind in ("recommend", "search")
        },
        "provider": {
            k: stats["provider"][k] for k in ("calls", "requests", "errors", "latency_ms")
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['requests']} requests from {args.users} users ({args.parallel} at a time), "
        f"TMDB answering in {args.latency * 1000:.0f} ms, {report['wall_s']} s in all"
    )
    print(
        f"provider calls {report['provider_calls']} ({report['http_requests_to_tmdb']} HTTP "
        f"requests), saved by the cache {report['calls_saved_by_cache']}, "
        f"hit rate {report['hit_rate']:.0%}"
    )
    for name in ("cold", "warm", "warm_alone", "details"):
        p = report[name]
        if p["n"]:
            print(f"{name:10} p50 {p['p50_ms']:8.1f} ms   p95 {p['p95_ms']:8.1f} ms   n={p['n']}")


if __name__ == "__main__":
    main()
