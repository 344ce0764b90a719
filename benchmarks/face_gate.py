"""How many pictures the face detector finds a face in, with the score threshold alone, with
the keypoint-layout check (``detector.upright_face``) on top, and with the drawn-face gate
(``emotion/drawn.py``) on top of both.

    python benchmarks/face_gate.py [--frames DIR ...] [--fer NPZ] [--fer-drawn NPZ]

Built in: scikit-image's astronaut at several sizes, turns and lighting, the cameraman and the
LFW faces bundled with scikit-image (should be found), its photos without faces and a drawing
of Chromium's fake-camera test pattern (should not). ``--frames`` adds a folder of JPEG/PNG
frames (e.g. grabbed from Chromium's fake camera, which has no face); ``--fer`` places each
face of a FER2013 split (.npz, x [N, 48, 48]) at 240 px on a 640x480 grey frame.
Drawn (should not be found): the Noto Color Emoji faces, Pillow smileys and cartoon/line
drawings that scripts/fit_drawn_gate.py held out (odd code points, seeds from 10,000; the
emoji need fonts-noto-color-emoji); ``--fer-drawn`` adds cartoons and line drawings of the
split's first 300 faces.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from emotionpix.emotion.detector import Detection, FaceDetector, upright_face

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test images' helpers
from tests.images import (
    EMOJI_FONT,
    SKIMAGE_DATA,
    cartoon,
    drawn_smiley,
    emoji,
    fake_camera_pattern,
    line_drawing,
    photo,
)

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


def drawn() -> Samples:
    """Held out from the gate's fit (scripts/fit_drawn_gate.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from fit_drawn_gate import EMOJI  # type: ignore[import-not-found]

    if EMOJI_FONT.is_file():
        for char in list(EMOJI)[1::2]:
            for side, background in ((180, (255, 255, 255)), (320, (60, 120, 200))):
                yield "emoji (Noto, held out)", emoji(char, side, background)
    for seed in range(20_000, 20_200):
        yield "drawn smileys (held out)", drawn_smiley(seed, 240 + seed % 2 * 240)
    for name in ("astronaut.png", "camera.png"):
        picture = photo(name)
        for levels in (3, 4, 6):
            yield "cartoon / line drawings of photos", cartoon(picture, levels)
        for threshold in (6, 10, 16):
            yield "cartoon / line drawings of photos", line_drawing(picture, threshold)
    for face in lfw()[1:100:2]:
        yield "cartoon / line drawings of LFW", cartoon(face, 4)
        yield "cartoon / line drawings of LFW", line_drawing(face, 8)


def fer_drawn(path: Path) -> Samples:
    for i, face in enumerate(np.load(path)["x"][:300]):
        picture = on_canvas(Image.fromarray(face).convert("RGB"), 240, (640, 480))
        if i % 2:
            yield "FER2013 cartoons / line drawings", cartoon(picture, 4)
        else:
            yield "FER2013 cartoons / line drawings", line_drawing(picture, 8)


def folder(path: Path) -> Samples:
    for file in sorted(path.iterdir()):
        if file.suffix.lower() in {".jpg", ".jpeg", ".png"}:
            with Image.open(file) as image:
                yield f"frames in {path.name}/", image.convert("RGB")


def fer(path: Path) -> Samples:
    for face in np.load(path)["x"]:
        yield "FER2013 faces", on_canvas(Image.fromarray(face), 240, (640, 480))


def score_only(
    detector: FaceDetector, layout: bool = False
) -> Callable[[Image.Image], list[Detection]]:
    """The detector as it was before the layout check (short range, else full range), or with
    the layout check but not the drawn-face gate."""

    def keep(face: Detection) -> bool:
        return not layout or upright_face(face)

    def detect(image: Image.Image) -> list[Detection]:
        found = [f for f in detector.short(image, detector.threshold) if keep(f)]
        if not found and detector.full is not None:
            found = [f for f in detector.full(image, detector.threshold) if keep(f)]
        return found

    return detect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=Path, action="append", default=[])
    parser.add_argument("--fer", type=Path)
    parser.add_argument("--fer-drawn", type=Path)
    args = parser.parse_args()
    detector = FaceDetector()
    before, layout = score_only(detector), score_only(detector, layout=True)
    sources: list[tuple[str, Samples]] = [
        ("face", faces()),
        ("no face", no_faces()),
        ("no face", drawn()),
    ]
    sources += [("no face", folder(path)) for path in args.frames]
    if args.fer:
        sources.append(("face", fer(args.fer)))
    if args.fer_drawn:
        sources.append(("no face", fer_drawn(args.fer_drawn)))
    header = f"{'pictures':36} {'expect':>8} {'n':>5} {'score only':>11} {'+ layout':>9}"
    print(header + f" {'+ not drawn':>12}")
    for expect, samples in sources:
        counts: dict[str, list[int]] = {}
        for group, image in samples:
            row = counts.setdefault(group, [0, 0, 0, 0])
            row[0] += 1
            row[1] += bool(before(image))
            row[2] += bool(layout(image))
            row[3] += bool(detector.detect(image))
        for group, (n, old, mid, new) in counts.items():
            print(f"{group:36} {expect:>8} {n:5d} {old:11d} {mid:9d} {new:12d}")
    print(
        f"(a face: BlazeFace score >= {detector.threshold}; + layout: upright_face as well; "
        "+ not drawn: drawn.looks_drawn false too)"
    )


if __name__ == "__main__":
    main()
