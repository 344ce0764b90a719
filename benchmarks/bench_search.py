#!/usr/bin/env python3
"""Title search against a hand-written test set: top-1 / top-3 accuracy by kind of query,
result counts and query time, over the bundled offline catalog.

    python benchmarks/bench_search.py [--queries benchmarks/data/search_queries.tsv]
                                      [--misses] [--json]

The test set (``benchmarks/data/search_queries.tsv``) was written before search learnt other
scripts (issue 35): Devanagari and other Indian scripts, romanised Hindi spellings, original
titles in Latin letters, CJK/Cyrillic/Arabic/Hebrew titles, English titles, abbreviations
and typos, each with the catalog film it should find. ``--misses`` lists the queries whose
film is not in the top three; ``--no-aliases`` leaves out the hand-written title table, to
see what transliteration and fuzzy matching find alone. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from emotionpix.providers.catalog import CatalogProvider

DEFAULT_QUERIES = Path(__file__).parent / "data" / "search_queries.tsv"


def read_queries(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected, kind = line.split("\t")
            rows.append((query, expected, kind))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--misses", action="store_true", help="list the queries missed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--no-aliases",
        action="store_true",
        help="without the hand-written title table: transliteration and fuzzy matching alone",
    )
    args = parser.parse_args()
    if args.no_aliases:
        with tempfile.TemporaryDirectory() as folder:
            bare = Path(folder) / "aliases.json"
            bare.write_text('{"films": {}}', encoding="utf-8")
            provider = CatalogProvider(aliases=bare)
    else:
        provider = CatalogProvider()
    queries = read_queries(args.queries)
    by_kind: dict[str, list[tuple[bool, bool, int]]] = defaultdict(list)
    times, misses = [], []
    for query, expected, kind in queries:
        start = time.perf_counter()
        found = [movie.id for movie in provider.search(query, 20)]
        times.append(time.perf_counter() - start)
        top1, top3 = found[:1] == [expected], expected in found[:3]
        by_kind[kind].append((top1, top3, len(found)))
        if not top3:
            titles = [m.title for m in provider.search(query, 3)]
            misses.append((kind, query, expected, titles))
    table = {
        kind: {
            "queries": len(rows),
            "top1": sum(r[0] for r in rows) / len(rows),
            "top3": sum(r[1] for r in rows) / len(rows),
            "mean_results": statistics.mean(r[2] for r in rows),
        }
        for kind, rows in sorted(by_kind.items())
    }
    every = [row for rows in by_kind.values() for row in rows]
    table["all"] = {
        "queries": len(every),
        "top1": sum(r[0] for r in every) / len(every),
        "top3": sum(r[1] for r in every) / len(every),
        "mean_results": statistics.mean(r[2] for r in every),
    }
    timing = {
        "median_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * sorted(times)[int(0.95 * (len(times) - 1))],
    }
    if args.json:
        print(json.dumps({"kinds": table, "timing": timing}, indent=2))
        return
    print(f"{'kind':<14}{'queries':>8}{'top-1':>8}{'top-3':>8}{'results':>9}")
    for kind, row in table.items():
        print(
            f"{kind:<14}{row['queries']:>8}{row['top1']:>8.1%}{row['top3']:>8.1%}"
            f"{row['mean_results']:>9.1f}"
        )
    print(f"query time: median {timing['median_ms']:.1f} ms, p95 {timing['p95_ms']:.1f} ms")
    if args.misses:
        for kind, query, expected, titles in misses:
            print(f"MISS [{kind}] {query!r} -> {expected}: {titles}")


if __name__ == "__main__":
    main()
