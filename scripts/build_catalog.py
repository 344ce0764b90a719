#!/usr/bin/env python3
"""Build EmotionPix's embedded movie catalog from bokeh-sampledata's ``movies.db``.

Usage::

    pip download bokeh-sampledata==2026.1 --no-deps -d /tmp/bsd
    unzip -q /tmp/bsd/bokeh_sampledata-2026.1-py3-none-any.whl -d /tmp/bsd
    python scripts/build_catalog.py /tmp/bsd/bokeh_sampledata/_data/movies.db

The source is a Wikidata snapshot (CC0-1.0) in the legacy OMDb/Rotten Tomatoes schema.
Its IMDb rating/vote columns are empty, so a film's rating is the Rotten Tomatoes critic
average (0-10) and its "votes" are the number of critic reviews behind that average.

The output is deterministic (rows sorted by id, gzip without a timestamp), so running the
script twice on the same source gives byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sqlite3
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/emotionpix/providers/data/catalog.json.gz"
# Fields of each row, in order; the loader in emotionpix.providers.catalog reads them by name.
COLUMNS = [
    "id",
    "imdb_id",
    "title",
    "year",
    "genres",
    "languages",
    "countries",
    "runtime",
    "director",
    "cast",
    "rating",
    "votes",
    "meter",
    "certificate",
]
QUERY = """
SELECT o.ID, o.imdbID, o.Title, o.Year, o.Genre, o.Language, o.Country, o.Runtime,
       o.Director, o."Cast", t.Rating, t.Reviews, t.Meter, o.Rating
FROM omdb AS o LEFT JOIN tomatoes AS t ON t.ID = o.ID
ORDER BY o.ID
"""


def split_list(value: str | None) -> list[str]:
    """Split the source's comma-separated text fields, dropping blanks and duplicates."""
    items = [part.strip() for part in (value or "").split(",")]
    return list(dict.fromkeys(item for item in items if item))


def convert_row(row: tuple) -> list:
    """One source row in the catalog's column order, with clean types."""
    (
        qid,
        imdb_id,
        title,
        year,
        genre,
        language,
        country,
        runtime,
        director,
        cast,
        rating,
        reviews,
        meter,
        certificate,
    ) = row
    return [
        f"Q{qid}",
        imdb_id or None,
        title.strip(),
        int(year) if year else None,
        split_list(genre),
        split_list(language),
        split_list(country),
        int(runtime) if runtime else None,
        ", ".join(split_list(director)) or None,
        split_list(cast),
        round(float(rating), 1) if rating is not None else None,
        int(reviews) if reviews is not None else 0,
        int(meter) if meter is not None else None,
        certificate or None,
    ]


def build(source: Path, out: Path) -> dict:
    """Write the catalog file and return its metadata."""
    source_sha = hashlib.sha256(source.read_bytes()).hexdigest()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
        rows = [convert_row(row) for row in conn.execute(QUERY)]
    meta = {
        "name": "EmotionPix embedded catalog",
        "source": "bokeh-sampledata 2026.1, bokeh_sampledata/_data/movies.db",
        "source_sha256": source_sha,
        "origin": "Wikidata snapshot of 2026-10-18 (films 1940-2014 with review scores)",
        "license": "CC0-1.0",
        "rating": "Rotten Tomatoes critic average, 0-10",
        "votes": "number of Rotten Tomatoes critic reviews",
        "count": len(rows),
    }
    payload = json.dumps(
        {"meta": meta, "columns": COLUMNS, "rows": rows},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(out, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="path to bokeh-sampledata's movies.db")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="catalog file to write")
    args = parser.parse_args()
    meta = build(args.source, args.out)
    size = args.out.stat().st_size
    print(f"wrote {meta['count']} films to {args.out} ({size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
