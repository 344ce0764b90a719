#!/usr/bin/env python3
"""A page of films with where-to-watch, cold and warm, against TMDB with real latency.

    python benchmarks/bench_watch.py [--latency 0.2] [--rounds 15] [--json]

Runs the repository's TMDB stand-in (tests/standins, real HTTP on 127.0.0.1) with every answer
delayed by ``--latency`` seconds, and the app in-process against it (TMDB as provider, the
SQLite cache). Each round starts a fresh app (an empty cache) whose mood pool is cached
first, then times one page with availability (``&region=IN``: 20 films' watch providers,
asked for at once): cold (nothing cached), then warm (the same page again, every answer
from the cache), and a page with "only my services" (``&services=8,119``) cold and warm.

Then the same for the embedded catalog enriched by TMDB (films found there by IMDb id; the
stand-in is taught the page's IMDb ids): availability cold after the page was shown once
without it (posters fetched, availability not), warm, and a first visit with nothing cached
at all (the mood's films, their posters and their availability in one request).
Reports p50/p95 in milliseconds and the TMDB calls a cold page made. Run from the
repository root.
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

from tests.standins import films, tmdb

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


def tmdb_app(instance: str, server: Any, **config: Any) -> Any:
    return create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": instance,
            "TMDB_API_KEY": tmdb.API_KEY,
            "TMDB_BASE_URL": f"{server.url}/3",
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )


def teach_catalog_page(server: Any) -> None:
    """Give each film of the catalog's page a stand-in film under its IMDb id (the stand-in
    knows a few real films; TMDB knows them all)."""
    with tempfile.TemporaryDirectory() as instance:
        page = tmdb_app(instance, server).test_client().get(PAGE).get_json()
    generated = [f for f in films.FILMS if f.imdb_id.startswith("tt9")]
    for movie, film in zip(page["movies"], generated, strict=False):
        if movie.get("imdb_id"):
            films.BY_IMDB[movie["imdb_id"]] = film


def round_trips(server: Any) -> int:
    """TMDB calls that had to wait for one another: id lookups, then availability."""
    paths = [r["path"] for r in server.requests]
    finds = any(p.startswith("/3/find/") for p in paths)
    return int(finds) + int(any(p.endswith("/watch/providers") for p in paths))


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
        "catalog cold": [],
        "catalog warm": [],
        "catalog first visit": [],
    }
    watch_calls: list[int] = []
    catalog_calls: dict[str, list[int]] = {"cold": [], "first visit": []}
    try:
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as instance:
                client = tmdb_app(instance, server, PROVIDER="tmdb").test_client()
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
        server.delay = 0.0
        teach_catalog_page(server)
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as instance:
                client = tmdb_app(instance, server).test_client()
                server.delay = 0.0
                client.get(PAGE)  # the mood's films and their posters cached
                server.delay = args.latency
                server.requests.clear()
                times["catalog cold"].append(timed(client, PAGE + "&region=IN"))
                catalog_calls["cold"].append(round_trips(server))
                times["catalog warm"].append(timed(client, PAGE + "&region=IN"))
            with tempfile.TemporaryDirectory() as instance:
                client = tmdb_app(instance, server).test_client()
                server.delay = args.latency
                server.requests.clear()
                times["catalog first visit"].append(timed(client, PAGE + "&region=IN"))
                catalog_calls["first visit"].append(round_trips(server))
    finally:
        server.stop()
    report = {
        "latency_s": args.latency,
        "rounds": args.rounds,
        "watch_calls_per_cold_page": statistics.mean(watch_calls),
        "catalog_kinds_of_call": {k: statistics.mean(v) for k, v in catalog_calls.items()},
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
    for name, count in report["catalog_kinds_of_call"].items():
        print(f"enriched catalog {name}: {count:.0f} kinds of TMDB call (find, availability)")
    for name in times:
        figures = report[name]
        print(f"{name:>19}: p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
