#!/usr/bin/env python3
"""A page of films with where-to-watch, cold and warm, against TMDB with real latency.

    python benchmarks/bench_watch.py [--latency 0.2] [--rounds 15] [--json]

Runs the repository's TMDB stand-in (tests/standins, real HTTP on 127.0.0.1) with every answer
delayed by ``--latency`` seconds, and the app in-process against it (TMDB as provider, the
SQLite cache). Each round starts a fresh app (an empty cache) whose mood pool is cached
first, then times one page with availability (``&region=IN``: 20 films' watch providers,
asked for at once): cold (nothing cached), then warm (the same page again, every answer
from the cache), and a page with "only my services" (``&services=8,119``) cold and warm.
Reports p50/p95 in milliseconds. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.standins import tmdb

from emotionpix import create_app

PAGE = "/api/recommendations?emotion=happy&seed=7"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client: Any, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    server = tmdb.serve()
    times: dict[str, list[float]] = {
        "availability cold": [],
        "availability warm": [],
        "services cold": [],
        "services warm": [],
    }
    watch_calls: list[int] = []
    try:
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as instance:
                app = create_app(
                    {
                        "ENV": "testing",
                        "INSTANCE_PATH": instance,
                        "PROVIDER": "tmdb",
                        "TMDB_API_KEY": tmdb.API_KEY,
                        "TMDB_BASE_URL": f"{server.url}/3",
                        "RATELIMIT_ENABLED": False,
                    }
                )
                client = app.test_client()
                server.delay = 0.0
                client.get(PAGE)  # the mood's films cached: what is timed is availability
                server.delay = args.latency
                server.requests.clear()
                times["availability cold"].append(timed(client, PAGE + "&region=IN"))
                watch_calls.append(
                    sum(r["path"].endswith("/watch/providers") for r in server.requests)
                )
                times["availability warm"].append(timed(client, PAGE + "&region=IN"))
                filtered = PAGE + "&region=IN&services=8,119"
                times["services cold"].append(timed(client, filtered))
                times["services warm"].append(timed(client, filtered))
    finally:
        server.stop()
    report = {
        "latency_s": args.latency,
        "rounds": args.rounds,
        "watch_calls_per_cold_page": statistics.mean(watch_calls),
        **{
            name: {
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
            }
            for name, values in times.items()
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"TMDB stand-in at {args.latency * 1000:.0f} ms, {args.rounds} rounds")
    print(f"watch-provider calls per cold page: {report['watch_calls_per_cold_page']:.0f}")
    for name in times:
        figures = report[name]
        print(f"{name:>18}: p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
