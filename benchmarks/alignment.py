#!/usr/bin/env python3
"""Does aligning faces by their keypoints help? Measured through the detector.

    python benchmarks/alignment.py template FACES.npz [--limit N]
    python benchmarks/alignment.py measure FACES.npz [--model NAME] [--limit N] [--seed S]
    python benchmarks/alignment.py photos [--model NAME]

``template``: where BlazeFace finds the eyes, nose tip and mouth in FER2013's crops (each face
upright at 240 px in a 640x480 grey frame), as fractions of the crop side: the mean is
``emotion/framing.py``'s TEMPLATE.

``measure``: every face of a FER2013 split (npz, x [N, 48, 48], y [N]) placed in a 640x480
frame at a random size (150-320 px), place and in-plane turn (up to ±20°); the detector reads
every frame once and the classifier reads each found face twice — cropped by the detector's
box (the framing used so far) and aligned by its keypoints. Reports accuracy (a face not
found counts as wrong) by turn, and per class.

``photos``: scikit-image's astronaut, cameraman and 100 LFW faces turned -20° to +20° in
steps of 5°: how often the emotion read on a turned photo is the upright photo's, and how far
the probabilities moved (total variation, mean over turns), for each framing.

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
WAYS = ("box", "aligned", "level")  # the framings compared: see framings()


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


def level_transform(face: Detection, size: int, margin: float) -> tuple[float, float, float, float]:
    """The box framing (``square_crop_box``'s square) turned about the box centre so that the
    eyes are level."""
    (rx, ry), (lx, ly) = face.keypoints[:2]
    x, y, w, h = face.box
    scale = max(w, h) * (1 + 2 * margin) / size
    length = math.hypot(lx - rx, ly - ry)
    a, b = scale * (lx - rx) / length, scale * (ly - ry) / length
    half = size / 2
    return a, b, x + w / 2 - (a * half - b * half), y + h / 2 - (b * half + a * half)


def framings(classifier: ExpressionClassifier, frame: Image.Image, face: Detection) -> np.ndarray:
    """The face cut out every way of WAYS: the widened box; aligned by the four keypoints
    onto the template; the box turned so that the eyes are level."""
    size = classifier.spec.size
    box = face_crop(frame, square_crop_box(face.box, classifier.spec.margin), size)
    level = aligned_crop(frame, face, size, level_transform(face, size, classifier.spec.margin))
    return np.stack([box, aligned_crop(frame, face, size), level])


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
    predicted = {way: np.full(len(x), -1) for way in WAYS}
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
        probs = classifier.predict(framings(classifier, frame, found))
        for way, guess in zip(WAYS, probs.argmax(1), strict=True):
            predicted[way][i] = guess
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


def pictures() -> dict[str, list[Image.Image]]:
    """scikit-image's two portraits, and its 100 LFW faces (25x25 grey, enlarged to 240 px
    on a grey 640x480 frame)."""
    from skimage import data

    lfw = []
    for face in data.lfw_subset()[:100]:
        grey = Image.fromarray((face * 255).astype(np.uint8)).convert("RGB")
        canvas = Image.new("RGB", FRAME, GREY)
        canvas.paste(grey.resize((240, 240), Image.Resampling.BICUBIC), (200, 120))
        lfw.append(canvas)
    portraits = {
        name: [Image.fromarray(getattr(data, name)()).convert("RGB")]
        for name in ("astronaut", "camera")
    }
    return {**portraits, "lfw": lfw}


def photos(args: argparse.Namespace) -> None:
    detector = FaceDetector()
    classifier = ExpressionClassifier(get_model(args.model))
    report: dict[str, object] = {"model": args.model}
    for name, group in pictures().items():
        changes: dict[str, list[float]] = {way: [] for way in WAYS}
        same: dict[str, list[bool]] = {way: [] for way in WAYS}
        for picture in group:
            read: dict[int, np.ndarray] = {}
            for angle in range(-20, 21, 5):
                frame = picture.rotate(angle, Image.Resampling.BICUBIC, fillcolor=GREY)
                found = first_face(detector, frame)
                if found is not None:
                    read[angle] = classifier.predict(framings(classifier, frame, found))
            if 0 not in read:
                continue
            for angle, probs in read.items():
                for k, way in enumerate(WAYS):
                    if angle:
                        changes[way].append(0.5 * float(np.abs(probs[k] - read[0][k]).sum()))
                        same[way].append(bool(probs[k].argmax() == read[0][k].argmax()))
        report[name] = {
            way: {
                "turned_read": len(same[way]),
                "same_emotion_as_upright": round(float(np.mean(same[way])), 4),
                "mean_total_variation": round(float(np.mean(changes[way])), 4),
            }
            for way in WAYS
            if same[way]
        }
    print(json.dumps(report, indent=2))


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
