#!/usr/bin/env python3
"""How often is the runner-up emotion the right one? The measurement behind
CLOSE_CALL_MARGIN, on face crops with known labels.

    python benchmarks/bench_close_call.py ../shared/data/fer2013/fer2013_publictest.npz

For bands of the gap between a face's two most probable emotions (the default model's
calibrated probabilities): how many faces fall there, how often the top emotion is the true
one and how often the runner-up is. Where the top is right less than half the time and the
runner-up a good part of it, trusting the top alone is close to a coin flip, and the page
blends the two moods instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from emotionpix.emotion import EmotionEngine, FaceDetector
from emotionpix.emotion.registry import DEFAULT_MODEL

BANDS = [(0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 1.01)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz", type=Path, help="arrays x (N, 48, 48 uint8 crops) and y (labels)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    data = np.load(args.npz)
    probabilities = EmotionEngine(args.model, FaceDetector()).classify_crops(data["x"])
    truth = data["y"]
    order = np.argsort(-probabilities, axis=1)
    rows = np.arange(len(truth))
    top, second = order[:, 0], order[:, 1]
    gap = probabilities[rows, top] - probabilities[rows, second]
    bands = []
    for low, high in BANDS:
        inside = (gap >= low) & (gap < high)
        bands.append(
            {
                "gap": [low, min(high, 1.0)],
                "faces": round(float(inside.mean()), 3),
                "top_right": round(float((top[inside] == truth[inside]).mean()), 3),
                "runner_up_right": round(float((second[inside] == truth[inside]).mean()), 3),
            }
        )
    result = {"model": args.model, "n": len(truth), "bands": bands}
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    print(f"{args.model} on {len(truth)} faces")
    print(f"{'top-2 gap':>11} {'faces':>6} {'top right':>10} {'runner-up right':>16}")
    for band in bands:
        low, high = band["gap"]
        print(
            f"{low:.1f} - {high:.1f} {band['faces']:6.1%} {band['top_right']:10.1%} "
            f"{band['runner_up_right']:16.1%}"
        )


if __name__ == "__main__":
    main()
