#!/usr/bin/env python3
"""Which films can a grid show that have no tone profile yet?

    python scripts/unprofiled.py [--pages N] [--top N] [--labels]

Under the current configuration (environment variables as for `emotionpix serve`, the
embedded catalog by default): every film the first ``--pages`` pages (5) of any mood in either
mode can show under any seed (a seed shuffles two pages at a time, so the first five pages can
show any of a pool's best 120), and the ``--top`` (3,000) catalog films with the most reviews,
that ``recommend/data/tones.csv`` lacks. ``--labels`` prints them in the labellers' input
format (id|title|year|genres|languages|countries|director) for a new round of profiling
(scripts/build_tones.py merges the result). Exits 1 when a grid can show an unprofiled film.
"""

from __future__ import annotations

import argparse

from emotionpix import create_app
from emotionpix.recommend.moods import MODES
from emotionpix.recommend.tones import ToneBook
from emotionpix.wiring import recommender


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--top", type=int, default=3000)
    parser.add_argument("--labels", action="store_true")
    args = parser.parse_args()
    book = ToneBook.bundled()
    app = create_app({"CACHE_URL": "sqlite://"})
    with app.app_context():
        service = recommender(app)
        window = service.settings.page_size * service.settings.rotation_pages
        reach = -(-args.pages * service.settings.page_size // window) * window
        shown: dict[str, dict[str, object]] = {}
        for mode in MODES:
            for emotion in service.mapping:
                pool, _ = service._pool(mode, emotion)
                missing = [item["movie"] for item in pool[:reach] if not item["movie"]["tones"]]
                print(f"{mode:5} {emotion:8} {len(missing):3} of the first {reach} unprofiled")
                shown.update({movie["id"]: movie for movie in missing})
        everything = getattr(service.provider, "movies", ())  # the catalog lists its films
        top = sorted(everything, key=lambda m: (-m.votes, m.id))[: args.top]
        unprofiled_top = [m for m in top if book.profile(m, read_text=False) is None]
    print(f"{len(shown)} films a grid can show lack a profile")
    if top:
        print(f"{len(unprofiled_top)} of the {len(top)} most-reviewed films lack a profile")
    if args.labels:
        for movie in shown.values():
            fields = [movie["id"], movie["title"], str(movie["year"]), ",".join(movie["genres"])]
            fields += [",".join(movie["languages"][:3]), ",".join(movie["countries"][:3])]
            print("|".join([*fields, str(movie.get("director") or "")]))
    return 1 if shown else 0


if __name__ == "__main__":
    raise SystemExit(main())
