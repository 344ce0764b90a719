"""How a face is cut out for the classifier: by the detector's box, or aligned by its keypoints.

``face_crop(image, square_crop_box(box, margin), size)`` is the box framing: a square around
the detector's box, widened by a margin. Alignment does better (docs/model-card.md,
"Alignment"): the detector's keypoints put every face where FER2013's crops put theirs.

FER2013's faces are registered: eyes level, at about the same height and distance apart in
every 48x48 crop. A face from a camera is tilted, and the detector's box frames it a little
differently from face to face. ``aligned_crop`` finds the similarity (rotation, uniform scale,
shift) that best carries ``TEMPLATE`` — where the detector finds the eyes, nose tip and mouth
in FER2013's own crops, on average — onto the face's keypoints, and reads the crop through it:

1. the square of the image that the aligned crop covers, bounding box of the turned square,
   is cut out and resized to ``WORK`` times the crop size (``face_crop``, Pillow's
   antialiased resize: a large face is reduced without aliasing);
2. every crop pixel is read from that square by bilinear interpolation, in float64, and
   rounded half to even.

Both steps are plain arithmetic that the page's on-device reader repeats exactly
(``static/js/ondevice/faces.js``). docs/model-card.md, "Alignment", has the measurements.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from emotionpix.emotion.detector import Detection

# Where BlazeFace finds the right eye, left eye, nose tip and mouth in a FER2013 crop, as
# fractions of the crop side (x, y): the mean over the 3,640 faces it finds among the first
# 4,000 of FER2013's training faces (selection split held out), each upright at 240 px in a
# 640x480 grey frame (`python benchmarks/alignment.py template`; standard deviation about
# 0.08 of the side for each coordinate: FER2013's registration is loose).
TEMPLATE = ((0.3147, 0.3841), (0.6669, 0.3784), (0.4898, 0.5695), (0.4932, 0.7552))
WORK = 2  # the cut-out square is resized to WORK x the crop side before the bilinear read


def square_crop_box(
    box: tuple[float, float, float, float], margin: float
) -> tuple[int, int, int, int]:
    """A square (left, top, right, bottom) around ``box``, its side widened by ``margin`` of
    the longer box side on each side (the crop may extend past the image)."""
    x, y, w, h = box
    side = max(w, h) * (1 + 2 * margin)
    cx, cy = x + w / 2, y + h / 2
    left, top = round(cx - side / 2), round(cy - side / 2)
    size = max(1, round(side))
    return left, top, left + size, top + size


def face_crop(image: Image.Image, box: tuple[int, int, int, int], size: int) -> np.ndarray:
    """The ``box`` region of an image, in grey, resized to ``size``², as uint8. Only the
    region is converted to grey (a tenth of the cost of converting a whole 640x480 frame).
    Parts outside the image are filled with the region's mean grey (a black border would read
    as a frame)."""
    left, top, right, bottom = box
    inside = (max(left, 0), max(top, 0), min(right, image.width), min(bottom, image.height))
    if inside[0] >= inside[2] or inside[1] >= inside[3]:
        return np.full((size, size), 128, dtype=np.uint8)
    region = image.crop(inside).convert("L")
    if inside != box:
        mean = int(np.asarray(region).mean())
        canvas = Image.new("L", (right - left, bottom - top), mean)
        canvas.paste(region, (inside[0] - left, inside[1] - top))
        region = canvas
    return np.asarray(region.resize((size, size), Image.Resampling.BILINEAR))


def similarity(
    source: list[tuple[float, float]], target: list[tuple[float, float]]
) -> tuple[float, float, float, float]:
    """The least-squares similarity ``target ≈ [[a, -b], [b, a]] @ source + (tx, ty)`` between
    two equally long lists of points; returns (a, b, tx, ty), where a = s cos θ and
    b = s sin θ. Plain float arithmetic summed in order, which the page repeats exactly."""
    n = len(source)
    sx = sum(p[0] for p in source) / n
    sy = sum(p[1] for p in source) / n
    dx = sum(p[0] for p in target) / n
    dy = sum(p[1] for p in target) / n
    norm = dot = cross = 0.0
    for (px, py), (qx, qy) in zip(source, target, strict=True):
        ux, uy, vx, vy = px - sx, py - sy, qx - dx, qy - dy
        norm += ux * ux + uy * uy
        dot += ux * vx + uy * vy
        cross += ux * vy - uy * vx
    a, b = dot / norm, cross / norm
    return a, b, dx - (a * sx - b * sy), dy - (b * sx + a * sy)


def can_align(face: Detection) -> bool:
    """Whether the face has the four keypoints alignment needs, not all in one place."""
    points = face.keypoints[:4]
    return len(points) == 4 and len(set(points)) > 1


def crop_transform(face: Detection, size: int) -> tuple[float, float, float, float]:
    """The similarity from crop pixels (0..size, pixel centres at +0.5) to image pixels that
    lays ``TEMPLATE`` onto the face's eyes, nose tip and mouth (``can_align(face)``)."""
    template = [(x * size, y * size) for x, y in TEMPLATE]
    return similarity(template, list(face.keypoints[:4]))


def covering_box(
    transform: tuple[float, float, float, float], size: int
) -> tuple[int, int, int, int]:
    """The smallest square of whole image pixels (left, top, right, bottom), centred on the
    crop's centre, that holds the whole turned crop."""
    a, b, tx, ty = transform
    half = size / 2
    cx, cy = a * half - b * half + tx, b * half + a * half + ty
    side = size * (abs(a) + abs(b))  # the turned square's bounding box: scale (|cos| + |sin|)
    left, top = math.floor(cx - side / 2), math.floor(cy - side / 2)
    span = max(1, math.ceil(cx + side / 2) - left, math.ceil(cy + side / 2) - top)
    return left, top, left + span, top + span


def bilinear(region: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """``region`` (uint8 [H, W]) read at pixel-centre coordinates (xs, ys) (float64), edges
    repeated; rounded half to even, as uint8."""
    h, w = region.shape
    x = np.clip(xs - 0.5, 0, w - 1)
    y = np.clip(ys - 0.5, 0, h - 1)
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = x - x0, y - y0
    pixels = region.astype(np.float64)
    top = pixels[y0, x0] * (1 - fx) + pixels[y0, x1] * fx
    bottom = pixels[y1, x0] * (1 - fx) + pixels[y1, x1] * fx
    read: np.ndarray = np.rint(top * (1 - fy) + bottom * fy).astype(np.uint8)
    return read


def aligned_crop(
    image: Image.Image,
    face: Detection,
    size: int,
    transform: tuple[float, float, float, float] | None = None,
) -> np.ndarray:
    """The face as uint8 grey [size, size], levelled and framed like a FER2013 crop (or read
    through another crop-to-image ``transform``, as the alignment benchmark does)."""
    if transform is None:
        transform = crop_transform(face, size)
    box = covering_box(transform, size)
    work = size * WORK
    region = face_crop(image, box, work)
    a, b, tx, ty = transform
    ratio = work / (box[2] - box[0])  # image pixels -> region pixels
    grid = np.arange(size, dtype=np.float64) + 0.5
    u, v = np.meshgrid(grid, grid)
    xs = ((a * u - b * v + tx) - box[0]) * ratio
    ys = ((b * u + a * v + ty) - box[1]) * ratio
    return bilinear(region, xs, ys)
