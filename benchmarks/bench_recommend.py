#!/usr/bin/env python3
"""Latency of recommendations (cold and warm) and search, in-process and over HTTP.

    python benchmarks/bench_recommend.py [--rounds 200] [--json]

"cold" clears the cache before every request (provider + ranking + cache write);
"warm" is a cache hit. Over HTTP the app runs under Waitress on 127.0.0.1 in this process
and a keep-alive http.client connection calls it. Uses a fresh temporary instance folder.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.server import in_thread

from emotionpix import create_app
from emotionpix.core.emotions import EMOTIONS
from emotionpix.wiring import recommender

QUERIES = [
    "sholay",
    "3 idiots",
    "dilwale",
    "incepton",
    "the godfather",
    "amelie",
    "lagan",
    "star wars",
    "spiderman",
    "harry potter",
    "dark knight",
    "toy story",
    "pk",
    "titanic",
    "jurassic park",
    "forrest gump",
    "avatar",
    "matrix",
    "gladiator",
    "up",
]


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3),
        "n": len(ordered),
    }


def measure(
    rounds: int, call: Callable[[int], Any], before: Callable[[], Any] | None = None
) -> dict[str, float]:
    """Time ``call(i)`` for each round; ``before`` (untimed) clears the cache for cold runs.
    Warm runs (no ``before``) first make one untimed pass so every key is cached."""
    if before is None:
        for i in range(min(rounds, len(QUERIES))):
            call(i)
    samples = []
    for i in range(rounds):
        if before:
            before()
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def http_get(conn: http.client.HTTPConnection, path: str) -> None:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    rounds = args.rounds

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        app = create_app({"INSTANCE_PATH": tmp})
        startup_ms = (time.perf_counter() - start) * 1000
        service = recommender(app)
        clear = service.cache.clear

        def emotion(i: int) -> str:
            return EMOTIONS[i % len(EMOTIONS)]

        results: dict[str, Any] = {"app_startup_ms": round(startup_ms, 1)}
        inproc = results["in_process"] = {}
        inproc["recommend_cold"] = measure(rounds, lambda i: service.recommend(emotion(i)), clear)
        inproc["recommend_warm"] = measure(rounds, lambda i: service.recommend(emotion(i)))
        inproc["search_cold"] = measure(
            rounds, lambda i: service.search(QUERIES[i % len(QUERIES)]), clear
        )
        inproc["search_warm"] = measure(rounds, lambda i: service.search(QUERIES[i % len(QUERIES)]))

        with in_thread(app) as port:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            over_http = results["http"] = {}
            over_http["recommend_cold"] = measure(
                rounds,
                lambda i: http_get(conn, f"/api/recommendations?emotion={emotion(i)}"),
                clear,
            )
            over_http["recommend_warm"] = measure(
                rounds, lambda i: http_get(conn, f"/api/recommendations?emotion={emotion(i)}")
            )
            over_http["search_cold"] = measure(
                rounds,
                lambda i: http_get(conn, f"/api/search?q={QUERIES[i % 20].replace(' ', '+')}"),
                clear,
            )
            over_http["search_warm"] = measure(
                rounds,
                lambda i: http_get(conn, f"/api/search?q={QUERIES[i % 20].replace(' ', '+')}"),
            )
            conn.close()

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(f"app start-up: {results['app_startup_ms']} ms")
    for where in ("in_process", "http"):
        for name, figures in results[where].items():
            print(
                f"{where:10} {name:15} p50 {figures['p50_ms']:8.3f} ms   "
                f"p95 {figures['p95_ms']:8.3f} ms   (n={figures['n']})"
            )


if __name__ == "__main__":
    main()
