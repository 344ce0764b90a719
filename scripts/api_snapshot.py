"""Write the answers of a fixed set of API requests to a JSON file, so that a change meant
to keep behaviour (a refactoring) can be checked: run it before and after, then compare.

    python scripts/api_snapshot.py before.json
    ... change the code ...
    python scripts/api_snapshot.py after.json && cmp before.json after.json

The set: recommendations for every emotion, both modes and three pages (fixed seed), a blend,
bad parameters, searches, details, the emotion endpoint with a face, a cat and junk, the
emotion tables, the cache counters, health and the version. Timings are left out (they
differ from run to run); everything else is kept as the app answered it.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import skimage
from PIL import Image

from emotionpix import create_app

EMOTIONS = ("happy", "sad", "angry", "surprise", "neutral", "fear", "disgust")
SEARCHES = ("sholay", "DDLJ", "K3G", "the godfather", "amelie", "xyzzy", "", "a" * 300)
DETAILS = ("Q949228", "tt0073707", "Q1", "nonsense!")
VOLATILE = {"timings_ms", "latency_ms"}


def _photo(name: str) -> bytes:
    with Image.open(Path(skimage.__file__).parent / "data" / name) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in sorted(value.items()) if k not in VOLATILE}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def snapshot() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV": "testing", "INSTANCE_PATH": instance, "RATELIMIT_ENABLED": False})
        client = app.test_client()
        answers: list[dict[str, Any]] = []

        def ask(method: str, path: str, **kwargs: Any) -> None:
            response = client.open(path, method=method, **kwargs)
            body = response.get_json(silent=True)
            answers.append(
                {
                    "request": f"{method} {path}",
                    "status": response.status_code,
                    "json": _scrub(body),
                }
            )

        for emotion in EMOTIONS:
            for mode in ("match", "lift"):
                for page in (1, 2, 3):
                    ask(
                        "GET",
                        f"/api/recommendations?emotion={emotion}&mode={mode}&page={page}&seed=42",
                    )
        ask("GET", "/api/recommendations?emotions=happy:0.48,surprise:0.41&seed=7")
        for bad in (
            "emotion=bored",
            "emotion=happy&mode=x",
            "emotion=happy&page=0",
            "emotion=happy&seed=+2",
        ):
            ask("GET", f"/api/recommendations?{bad}")
        for query in SEARCHES:
            ask("GET", f"/api/search?q={query}")
        for movie_id in DETAILS:
            ask("GET", f"/api/movies/{movie_id}")
        for name in ("astronaut.png", "chelsea.png"):
            ask("POST", "/api/emotion", data=_photo(name), content_type="image/jpeg")
        ask("POST", "/api/emotion", data=b"not an image at all", content_type="image/jpeg")
        for path in ("/api/emotions", "/api/cache/stats", "/healthz", "/api/version"):
            ask("GET", path)
        return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the answers (JSON)")
    args = parser.parse_args(argv)
    answers = snapshot()
    args.out.write_text(json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True))
    print(f"{len(answers)} answers -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
