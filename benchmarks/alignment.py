#!/usr/bin/env python3
"""Does aligning faces by their keypoints help? Measured through the detector.

    python benchmarks/alignment.py template FACES.npz [--limit N]
    python benchmarks/alignment.py measure FACES.npz [--model NAME] [--limit N] [--seed S]
    python benchmarks/alignment.py photos [--model NAME]

``template``: where BlazeFace finds the eyes, nose tip and mouth in FER2013's crops (each face
upright at 240 px in a 640x480 grey frame), as fractions of the crop side: the mean is
``emotion/align.py``'s TEMPLATE.

``measure``: every face of a FER2013 split (npz, x [N, 48, 48], y [N]) placed in a 640x480
frame at a random size (150-320 px), place and in-plane turn (up to ±20°); the detector reads
every frame once and the classifier reads each found face twice — cropped by the detector's
box (the framing used so far) and aligned by its keypoints. Reports accuracy (a face not
found counts as wrong) by turn, and per class.

``photos``: scikit-image's astronaut and cameraman turned -20° to +20°: how far the emotions
read on the turned photo are from those on the upright one (total variation, mean over turns),
with and without alignment.

The data is the team's and is not in the repository; pass its path.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.classifier import ExpressionClassifier
from emotionpix.emotion.detector import Detection, FaceDetector
from emotionpix.emotion.engine import prominence
from emotionpix.emotion.evaluate import metrics
from emotionpix.emotion.framing import aligned_crop, face_crop, square_crop_box
from emotionpix.emotion.registry import DEFAULT_MODEL, get_model

FRAME = (640, 480)
GREY = (100, 100, 100)
TURN_BUCKETS = ((0, 5), (5, 12), (12, 20.01))


def load(path: Path, limit: int | None) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as data:
        x, y = data["x"], data["y"]
    return (x[:limit], y[:limit]) if limit else (x, y)


def placed(face: np.ndarray, side: int, angle: float, centre: tuple[float, float]) -> Image.Image:
    """A 48x48 grey face enlarged to ``side`` px, turned by ``angle`` degrees (counter-
    clockwise) about its centre, on a grey 640x480 frame with its centre at ``centre``."""
    big = Image.fromarray(face).convert("RGB").resize((side, side), Image.Resampling.BICUBIC)
    mask = Image.new("L", big.size, 255)
    big = big.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=GREY)
    mask = mask.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    canvas = Image.new("RGB", FRAME, GREY)
    canvas.paste(big, (round(centre[0] - big.width / 2), round(centre[1] - big.height / 2)), mask)
    return canvas


def first_face(detector: FaceDetector, image: Image.Image) -> Detection | None:
    faces = detector.detect(image)
    return max(faces, key=prominence) if faces else None


def both_crops(classifier: ExpressionClassifier, frame: Image.Image, face: Detection) -> np.ndarray:
    """The face cut out both ways: [box framing, aligned]."""
    size = classifier.spec.size
    box = face_crop(frame, square_crop_box(face.box, classifier.spec.margin), size)
    return np.stack([box, aligned_crop(frame, face, size)])


def template(args: argparse.Namespace) -> None:
    x, _ = load(args.faces, args.limit)
    detector = FaceDetector()
    side = 240
    offset = np.array([(FRAME[0] - side) / 2, (FRAME[1] - side) / 2])
    points = []
    for face in x:
        found = first_face(detector, placed(face, side, 0.0, (FRAME[0] / 2, FRAME[1] / 2)))
        if found is not None:
            points.append((np.asarray(found.keypoints[:4]) - offset) / side)
    stacked = np.stack(points)
    print(
        json.dumps(
            {
                "faces": len(x),
                "found": len(stacked),
                "mean": np.round(stacked.mean(0), 4).tolist(),
                "std": np.round(stacked.std(0), 4).tolist(),
                "order": ["right eye", "left eye", "nose tip", "mouth"],
            },
            indent=2,
        )
    )


def measure(args: argparse.Namespace) -> None:
    x, y = load(args.faces, args.limit)
    rng = np.random.default_rng(args.seed)
    detector = FaceDetector()
    classifier = ExpressionClassifier(get_model(args.model))
    predicted = {"box": np.full(len(x), -1), "aligned": np.full(len(x), -1)}
    turns = np.zeros(len(x))
    for i, face in enumerate(x):
        side = int(rng.integers(150, 321))
        angle = float(rng.uniform(-20, 20))
        reach = side * (abs(math.cos(math.radians(angle))) + abs(math.sin(math.radians(angle))))
        cx = rng.uniform(reach / 2, FRAME[0] - reach / 2)
        cy = rng.uniform(min(reach / 2, FRAME[1] / 2), max(FRAME[1] - reach / 2, FRAME[1] / 2))
        frame = placed(face, side, angle, (cx, cy))
        turns[i] = abs(angle)
        found = first_face(detector, frame)
        if found is None:
            continue
        probs = classifier.predict(both_crops(classifier, frame, found))
        predicted["box"][i], predicted["aligned"][i] = probs.argmax(1)
    report: dict[str, object] = {"model": args.model, "faces": len(x), "seed": args.seed}
    for name, guess in predicted.items():
        full = metrics(y, guess, EMOTIONS)
        right = guess == y
        report[name] = {
            "accuracy": full["accuracy"],
            "detection_rate": full["detection_rate"],
            "by_turn": {
                f"{low:g}-{high:.0f}°": round(
                    float(right[(low <= turns) & (turns < high)].mean()), 4
                )
                for low, high in TURN_BUCKETS
            },
            "recall": {k: v["recall"] for k, v in full["per_class"].items()},
        }
    print(json.dumps(report, indent=2))


def photos(args: argparse.Namespace) -> None:
    from skimage import data

    detector = FaceDetector()
    classifier = ExpressionClassifier(get_model(args.model))
    report = {}
    for name in ("astronaut", "camera"):
        picture = Image.fromarray(getattr(data, name)()).convert("RGB")
        read: dict[str, dict[int, np.ndarray]] = {"box": {}, "aligned": {}}
        for angle in range(-20, 21, 5):
            frame = picture.rotate(angle, Image.Resampling.BICUBIC, fillcolor=(90, 90, 90))
            found = first_face(detector, frame)
            if found is None:
                continue
            read["box"][angle], read["aligned"][angle] = classifier.predict(
                both_crops(classifier, frame, found)
            )
        report[name] = {
            way: {
                "found": len(answers),
                "upright": EMOTIONS[int(answers[0].argmax())] if 0 in answers else None,
                "same_emotion": sum(
                    int(p.argmax() == answers[0].argmax()) for a, p in answers.items() if a
                ),
                "mean_total_variation": round(
                    float(
                        np.mean(
                            [0.5 * np.abs(p - answers[0]).sum() for a, p in answers.items() if a]
                        )
                    ),
                    4,
                ),
            }
            for way, answers in read.items()
        }
    print(json.dumps({"model": args.model, **report}, indent=2))


def steadiness(answers: dict[int, np.ndarray]) -> dict[str, object]:
    """How the emotions read on the turned photos compare with the upright photo's."""
    upright = answers.get(0)
    turned = [p for angle, p in answers.items() if angle]
    if upright is None:
        return {"found": len(answers), "upright": None}
    return {
        "found": len(answers),
        "upright": EMOTIONS[int(upright.argmax())],
        "same_emotion": sum(int(p.argmax() == upright.argmax()) for p in turned),
        "mean_total_variation": round(
            float(np.mean([0.5 * np.abs(p - upright).sum() for p in turned])), 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("template", "measure"):
        command = sub.add_parser(name)
        command.add_argument("faces", type=Path, help="FER2013 split as npz (x, y)")
        command.add_argument("--limit", type=int, default=None)
        command.add_argument("--model", default=DEFAULT_MODEL)
        command.add_argument("--seed", type=int, default=0)
    sub.add_parser("photos").add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    {"template": template, "measure": measure, "photos": photos}[args.command](args)


if __name__ == "__main__":
    main()
