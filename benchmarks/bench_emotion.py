#!/usr/bin/env python3
"""Speed and memory of the emotion engine on a 640x480 JPEG with one face.

    python benchmarks/bench_emotion.py [IMAGE] [--rounds 300] [--json]

Without IMAGE, the frame is made from scikit-image's public-domain astronaut photo (needs
the dev extra). Reports end-to-end p50/p95 (decode -> detect -> classify) in-process and over
HTTP, model-only latencies, batch throughput, cold start (a fresh process: imports, model
loading and the first answer) and resident memory of that process.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.server import in_thread  # noqa: E402

COLD_START = """
import time, sys
start = time.perf_counter()
from emotionpix.emotion import EmotionEngine
engine = EmotionEngine(sys.argv[2])  # the app's defaults: threshold 0.6, one thread
analysis = engine.analyse(open(sys.argv[1], "rb").read())
elapsed = time.perf_counter() - start
for _ in range(50):
    engine.analyse(open(sys.argv[1], "rb").read())
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(elapsed, analysis.primary.emotion, status["VmRSS"].split()[0], status["VmHWM"].split()[0])
"""


def default_frame() -> bytes:
    from PIL import Image
    from skimage import data

    photo = Image.fromarray(data.astronaut())
    canvas = Image.new("RGB", (640, 480), (90, 90, 90))
    canvas.paste(photo.resize((480, 480)), (80, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def stats(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "n": len(ordered),
    }


def timed(rounds: int, call: Any) -> dict[str, float]:
    for _ in range(10):
        call()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return stats(samples)


def cold_start(image: Path, model: str, runs: int = 3) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START, str(image), model],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        wall = time.perf_counter() - start
        results.append((float(out[0]), wall, out[1], int(out[2]), int(out[3])))
    best = min(results)
    return {
        "first_result_s": round(best[0], 3),  # imports + model load + first analysis
        "process_wall_s": round(best[1], 3),  # including interpreter start-up and 50 more
        "emotion": best[2],
        "rss_mb": round(best[3] / 1024, 1),
        "peak_rss_mb": round(best[4] / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", type=Path)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--model", default=None, help="registered model (default: the default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from emotionpix import create_app
    from emotionpix.emotion import EmotionEngine
    from emotionpix.emotion.registry import DEFAULT_MODEL

    args.model = args.model or DEFAULT_MODEL
    frame = args.image.read_bytes() if args.image else default_frame()
    engine = EmotionEngine(args.model)
    analysis = engine.analyse(frame)
    results: dict[str, Any] = {
        "model": args.model,
        "image_size": list(analysis.image_size),
        "faces": len(analysis.faces),
        "emotion": analysis.primary.emotion,
    }

    results["end_to_end"] = timed(args.rounds, lambda: engine.analyse(frame))
    stages: dict[str, list[float]] = {"decode": [], "detect": [], "classify": []}
    for _ in range(args.rounds):
        timings = engine.analyse(frame).timings_ms
        for stage in stages:
            stages[stage].append(timings[stage] / 1000)
    results["stages"] = {stage: stats(samples) for stage, samples in stages.items()}

    detector = engine.detector.short
    from emotionpix.emotion.image import decode_image

    image = decode_image(frame)
    tensor, *_ = detector.letterbox(image)
    feed = {detector.input_name: tensor}
    results["detector_model_only"] = timed(args.rounds, lambda: detector.session.run(None, feed))
    crop = engine.classifier.crops(image, engine.detector.detect(image)[:1])
    results["classifier_model_only"] = timed(args.rounds, lambda: engine.classifier.predict(crop))
    batch = np.repeat(crop, 64, axis=0)
    start = time.perf_counter()
    for _ in range(20):
        engine.classifier.predict(batch)
    results["classifier_batch64_faces_per_s"] = round(64 * 20 / (time.perf_counter() - start))
    start = time.perf_counter()
    for _ in range(100):
        engine.analyse(frame)
    results["end_to_end_frames_per_s"] = round(100 / (time.perf_counter() - start), 1)

    with tempfile.TemporaryDirectory() as tmp:
        # One client posts every frame: a limit above that, still counted. The app reads
        # with the model measured above (it used to read with the default whatever --model).
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "EMOTION_MODEL": args.model,
                "RATE_LIMIT_EMOTION": "100000 per minute",
            }
        )
        with in_thread(app) as port:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

            def post() -> None:
                conn.request(
                    "POST", "/api/emotion", body=frame, headers={"Content-Type": "image/jpeg"}
                )
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")

            results["http_end_to_end"] = timed(args.rounds, post)
            conn.close()

        image_path = Path(tmp) / "frame.jpg"
        image_path.write_bytes(frame)
        results["cold_start"] = cold_start(image_path, args.model)

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(
        f"model {results['model']}, {results['image_size'][0]}x{results['image_size'][1]} "
        f"JPEG, {results['faces']} face, {results['emotion']}"
    )
    for key in ("end_to_end", "http_end_to_end", "detector_model_only", "classifier_model_only"):
        r = results[key]
        print(f"{key:22} p50 {r['p50_ms']:7.3f} ms  p95 {r['p95_ms']:7.3f} ms  (n={r['n']})")
    for stage, r in results["stages"].items():
        print(f"  stage {stage:14} p50 {r['p50_ms']:7.3f} ms  p95 {r['p95_ms']:7.3f} ms")
    print(
        f"throughput: {results['end_to_end_frames_per_s']} frames/s end to end, "
        f"{results['classifier_batch64_faces_per_s']} faces/s classifier (batch 64)"
    )
    c = results["cold_start"]
    print(
        f"cold start: first result {c['first_result_s']} s after process start "
        f"(imports + models + first frame); RSS {c['rss_mb']} MB, peak {c['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
