#!/usr/bin/env python3
"""Fit the drawn-face gate (emotion/drawn.py): writes emotion/models/drawn_gate.json.

    python scripts/fit_drawn_gate.py [--fer-train NPZ] [--faces N] [--write]

Every picture goes through the face detector as the app runs it (score and upright layout);
each detection's patch gives seven statistics (drawn.FEATURES), and a logistic model with a
little L2 is fitted by Newton's method to tell the drawn detections from the photographed ones.
The threshold keeps 99.8 % of the photographed faces it was fitted on.

Photographed faces: scikit-image's astronaut (sizes, turns, light, JPEG, noise, blur,
white-balance errors) and the even-numbered LFW faces bundled with scikit-image; with
``--fer-train``, N faces of FER2013's Training split (grey, or tinted to a skin tone, some
spoiled) on a 640x480 frame. Drawn: Noto Color Emoji's faces, masks and creatures (even code
points; fonts-noto-color-emoji), Pillow-drawn smileys (seeds 0-799), cartoon-filtered and
line-drawn astronauts and FER faces. benchmarks/face_gate.py measures on what is held out
(odd code points, other seeds, odd LFW faces, FER2013 PublicTest).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.images import cartoon, drawn_smiley, emoji, line_drawing, photo  # noqa: E402

from emotionpix.emotion.detector import Detection, FaceDetector, upright_face  # noqa: E402
from emotionpix.emotion.drawn import FEATURES, face_patch, features  # noqa: E402
from emotionpix.emotion.runtime import MODELS_DIR  # noqa: E402

PATCH = 32
KEEP_REAL = 0.998
# Face emoji, masks and creatures with faces (Unicode's "Smileys & Emotion" and a few others).
EMOJI = (
    "😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😗😚😙😋😛😜🤪😝🤑🤗🤭🤫🤔🤐🤨😐😑😶😏😒🙄😬🤥😌😔😪🤤😴"
    "😷🤒🤕🤢🤮🤧🥵🥶🥴😵🤯🤠🥳😎🤓🧐😕😟🙁😮😯😲😳🥺😦😧😨😰😥😢😭😱😖😣😞😓😩😫🥱😤😡😠🤬"
    "😈👿💀🤡👹👺👻👽🤖😺😸😹😻😼😽🙀😿😾🎃🎭🌝🌞🌚🐵🐶🐱🦁🐯🐻🐼🐸🐷"
)


def on_frame(
    picture: Image.Image,
    side: int,
    size: tuple[int, int] = (640, 480),
    fill: tuple[int, int, int] = (100, 100, 100),
) -> Image.Image:
    canvas = Image.new("RGB", size, fill)
    canvas.paste(picture.resize((side, side)), ((size[0] - side) // 2, (size[1] - side) // 2))
    return canvas


def camera_like(picture: Image.Image, rng: random.Random) -> Image.Image:
    """One of the ways a camera or an upload spoils a photo: noise, blur, dim light, a colour
    cast, JPEG, or nothing."""
    kind = rng.choice(["none", "noise", "blur", "dim", "cast", "jpeg"])
    if kind == "noise":
        pixels = np.asarray(picture, dtype=np.float64)
        noisy = pixels + np.random.default_rng(rng.randrange(1 << 30)).normal(
            0, rng.uniform(2, 10), pixels.shape
        )
        picture = Image.fromarray(np.uint8(np.clip(noisy, 0, 255)))
    elif kind == "blur":
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.5)))
    elif kind == "dim":
        factor = rng.uniform(0.25, 0.6)
        picture = picture.point(lambda v: int(v * factor))
    elif kind == "cast":
        gains = [rng.uniform(0.8, 1.15) for _ in range(3)]
        picture = Image.merge(
            "RGB",
            [
                band.point(lambda v, g=g: min(255, int(v * g)))
                for band, g in zip(picture.split(), gains, strict=True)
            ],
        )
    elif kind == "jpeg":
        from tests.images import encode

        data = encode(picture, "JPEG", quality=rng.randrange(25, 90))
        import io

        picture = Image.open(io.BytesIO(data)).convert("RGB")
    return picture


def tinted(grey: Image.Image, rng: random.Random) -> Image.Image:
    """A grey face given a skin tone (the grey scaled into a tone's range)."""
    tone = rng.choice(
        [
            (255, 224, 196),
            (234, 192, 134),
            (198, 134, 66),
            (141, 85, 36),
            (255, 205, 148),
            (110, 70, 45),
        ]
    )
    pixels = np.asarray(grey.convert("L"), dtype=np.float64)[..., None] / 255
    return Image.fromarray(np.uint8(np.clip(pixels * np.array(tone) * 1.15, 0, 255)))


def lfw(indices: range) -> Iterator[Image.Image]:
    from tests.images import SKIMAGE_DATA

    patches = np.load(SKIMAGE_DATA / "lfw_subset.npy")
    for i in indices:
        yield Image.fromarray(np.uint8(patches[i] * 255)).convert("RGB").resize((200, 200))


def real_faces(fer: Path | None, count: int, rng: random.Random) -> Iterator[Image.Image]:
    astronaut = photo("astronaut.png")
    for _ in range(120):
        side = rng.choice([512, 480, 400, 300])
        picture = on_frame(astronaut, side, fill=tuple(rng.randrange(40, 200) for _ in range(3)))  # type: ignore[arg-type]
        if rng.random() < 0.3:
            picture = picture.rotate(rng.uniform(-20, 20), fillcolor=(90, 90, 90))
        yield camera_like(picture, rng)
    yield from lfw(range(0, 100, 2))
    if fer is not None:
        faces = np.load(fer)["x"]
        for i in rng.sample(range(len(faces)), count):
            face = Image.fromarray(faces[i]).convert("RGB")
            if rng.random() < 0.4:
                face = tinted(face, rng)
            yield camera_like(on_frame(face, 240), rng)


def drawn_faces(
    fer: Path | None, rng: random.Random, held_out: bool = False
) -> Iterator[Image.Image]:
    chars = list(EMOJI)[int(held_out) :: 2]
    for char in chars:
        for side in (180, 320):
            background = rng.choice(
                [(255, 255, 255), (40, 40, 40), tuple(rng.randrange(256) for _ in range(3))]
            )
            picture = emoji(char, side, background)  # type: ignore[arg-type]
            yield camera_like(picture, rng) if rng.random() < 0.4 else picture
    seeds = range(10_000, 10_200) if held_out else range(800)
    for seed in seeds:
        picture = drawn_smiley(seed, rng.choice([240, 480]))
        yield camera_like(picture, rng) if rng.random() < 0.3 else picture
    astronaut = photo("astronaut.png")
    for levels in (3, 4, 5, 6, 8):
        for edges in (True, False):
            yield cartoon(astronaut, levels, edges)
    for threshold in (4, 8, 12, 20):
        yield line_drawing(astronaut, threshold)
    if fer is not None:
        faces = np.load(fer)["x"]
        start = 5_000 if held_out else 0
        for i in range(start, start + 150):
            face = on_frame(Image.fromarray(faces[i]).convert("RGB"), 240)
            if i % 3 == 0:
                yield line_drawing(face, rng.choice([4, 8, 12]))
            else:
                yield cartoon(face, rng.choice([3, 4, 5]), i % 2 == 0)


def detections(detector: FaceDetector, picture: Image.Image) -> list[Detection]:
    """Score and layout, as the app before the drawn-face gate."""
    found = [f for f in detector.short(picture, detector.threshold) if upright_face(f)]
    if not found and detector.full is not None:
        found = [f for f in detector.full(picture, detector.threshold) if upright_face(f)]
    return found


def table(detector: FaceDetector, pictures: Iterator[Image.Image]) -> tuple[np.ndarray, int]:
    rows, n = [], 0
    for picture in pictures:
        n += 1
        for face in detections(detector, picture):
            rows.append(features(face_patch(picture, face.box, PATCH)))
    return np.array(rows).reshape(-1, len(FEATURES)), n


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method (weights, bias) on standardised features; the
    classes weighted equally."""
    design = np.hstack([x, np.ones((len(x), 1))])
    sample = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    beta = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2 * len(x)
    penalty[-1, -1] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (sample * (p - y)) + penalty @ beta
        hessian = (design * (sample * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta[:-1], float(beta[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer-train", type=Path)
    parser.add_argument("--faces", type=int, default=2000, help="FER2013 training faces used")
    parser.add_argument("--write", action="store_true", help="write models/drawn_gate.json")
    args = parser.parse_args()
    rng = random.Random(34)
    detector = FaceDetector()
    real, n_real = table(detector, real_faces(args.fer_train, args.faces, rng))
    drawn, n_drawn = table(detector, drawn_faces(args.fer_train, rng))
    print(
        f"photographed: {len(real)} detections in {n_real} pictures; "
        f"drawn: {len(drawn)} detections in {n_drawn} pictures"
    )
    x = np.vstack([real, drawn])
    y = np.concatenate([np.zeros(len(real)), np.ones(len(drawn))])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    weights, bias = fit((x - mean) / scale, y)
    z = ((x - mean) / scale) @ weights + bias
    p = 1 / (1 + np.exp(-z))
    threshold = float(np.quantile(p[y == 0], KEEP_REAL))
    threshold = max(threshold, 0.5)
    print(f"{'feature':12} {'photo mean':>10} {'drawn mean':>10} {'weight':>8}")
    for name, w, a, b in zip(FEATURES, weights, real.mean(0), drawn.mean(0), strict=True):
        print(f"{name:12} {a:10.3f} {b:10.3f} {w:8.3f}")
    print(
        f"threshold {threshold:.4f}: photographed kept {np.mean(p[y == 0] < threshold):.4f}, "
        f"drawn dropped {np.mean(p[y == 1] >= threshold):.4f}"
    )
    gate = {
        "about": "emotion/drawn.py; fitted by scripts/fit_drawn_gate.py (docs/face-gate.md)",
        "patch": PATCH,
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in weights],
        "bias": round(bias, 6),
        "threshold": round(threshold, 4),
    }
    if args.write:
        (MODELS_DIR / "drawn_gate.json").write_text(json.dumps(gate, indent=1) + "\n")
        print("wrote", MODELS_DIR / "drawn_gate.json")
    else:
        print(json.dumps(gate))


if __name__ == "__main__":
    main()
