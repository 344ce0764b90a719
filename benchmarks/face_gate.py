"""How many pictures the face detector finds a face in, with the score threshold alone and
with the keypoint-layout check (``detector.upright_face``) on top.

    python benchmarks/face_gate.py [--frames DIR ...] [--fer NPZ]

Built in: scikit-image's astronaut at several sizes, turns and lighting, the cameraman and the
LFW faces bundled with scikit-image (should be found), its photos without faces and a drawing
of Chromium's fake-camera test pattern (should not). ``--frames`` adds a folder of JPEG/PNG
frames (e.g. grabbed from Chromium's fake camera, which has no face); ``--fer`` places each
face of a FER2013 split (.npz, x [N, 48, 48]) at 240 px on a 640x480 grey frame.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from emotionpix.emotion.detector import Detection, FaceDetector

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test images' helpers
from tests.images import SKIMAGE_DATA, fake_camera_pattern, photo

NO_FACES = [
    "chelsea.png", "coffee.png", "brick.png", "coins.png", "grass.png", "gravel.png",
    "horse.png", "moon.png", "rocket.jpg", "page.png", "text.png", "hubble_deep_field.jpg",
    "clock_motion.png", "retina.jpg", "logo.png", "color.png", "chessboard_RGB.png",
    "motorcycle_left.png", "ihc.png", "cell.png",
]  # fmt: skip

Samples = Iterator[tuple[str, Image.Image]]


def on_canvas(image: Image.Image, side: int, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGB", size, (100, 100, 100))
    canvas.paste(image.resize((side, side)), ((size[0] - side) // 2, (size[1] - side) // 2))
    return canvas


def lfw() -> list[Image.Image]:
    """scikit-image's LFW subset, 25x25 grey: 100 faces, then 100 patches without one."""
    patches = np.load(SKIMAGE_DATA / "lfw_subset.npy")
    return [Image.fromarray(np.uint8(p * 255)).convert("RGB").resize((200, 200)) for p in patches]


def faces() -> Samples:
    astronaut = photo("astronaut.png")
    yield "astronaut (sizes, turns, light)", astronaut
    for side in (480, 300):
        yield "astronaut (sizes, turns, light)", on_canvas(astronaut, side, (640, 480))
    for side in (500, 400):
        yield "astronaut (sizes, turns, light)", on_canvas(astronaut, side, (1280, 960))
    yield "astronaut (sizes, turns, light)", astronaut.crop((150, 60, 300, 210))
    yield "astronaut (sizes, turns, light)", astronaut.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    for angle in (-20, -10, 10, 20):
        yield "astronaut (sizes, turns, light)", astronaut.rotate(angle, fillcolor=(90, 90, 90))
    yield "astronaut (sizes, turns, light)", astronaut.point(lambda v: v // 3)
    yield "cameraman", photo("camera.png")
    for face in lfw()[:100]:
        yield "LFW faces (25 px, enlarged)", face


def no_faces() -> Samples:
    for name in NO_FACES:
        picture = photo(name)
        for size in (None, (640, 480), (128, 128)):
            yield "scikit-image photos without faces", picture.resize(size) if size else picture
    for patch in lfw()[100:]:
        yield "LFW non-faces", patch
    for sweep in range(2, 360, 8):
        yield "drawn test pattern", fake_camera_pattern(sweep)


def folder(path: Path) -> Samples:
    for file in sorted(path.iterdir()):
        if file.suffix.lower() in {".jpg", ".jpeg", ".png"}:
            with Image.open(file) as image:
                yield f"frames in {path.name}/", image.convert("RGB")


def fer(path: Path) -> Samples:
    for face in np.load(path)["x"]:
        yield "FER2013 faces", on_canvas(Image.fromarray(face), 240, (640, 480))


def score_only(detector: FaceDetector) -> Callable[[Image.Image], list[Detection]]:
    """The detector as it was before the layout check: short range, else full range."""

    def detect(image: Image.Image) -> list[Detection]:
        found = detector.short(image, detector.threshold)
        if not found and detector.full is not None:
            found = detector.full(image, detector.threshold)
        return found

    return detect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=Path, action="append", default=[])
    parser.add_argument("--fer", type=Path)
    args = parser.parse_args()
    detector = FaceDetector()
    before = score_only(detector)
    sources: list[tuple[str, Samples]] = [("face", faces()), ("no face", no_faces())]
    sources += [("no face", folder(path)) for path in args.frames]
    if args.fer:
        sources.append(("face", fer(args.fer)))
    print(f"{'pictures':36} {'expect':>8} {'n':>5} {'score only':>11} {'+ layout':>9}")
    for expect, samples in sources:
        counts: dict[str, list[int]] = {}
        for group, image in samples:
            row = counts.setdefault(group, [0, 0, 0])
            row[0] += 1
            row[1] += bool(before(image))
            row[2] += bool(detector.detect(image))
        for group, (n, old, new) in counts.items():
            print(f"{group:36} {expect:>8} {n:5d} {old:11d} {new:9d}")
    print(f"(a face: BlazeFace score >= {detector.threshold}; + layout: upright_face as well)")


if __name__ == "__main__":
    main()
