"""Drawn faces are not faces: emoji, smileys, cartoons, line drawings and masks have a face's
layout (BlazeFace finds them, keypoints upright) but not a photo's pixels.

The detection's box is cut from the working image and resized to 32x32 pixels (the gate's
``patch``; Pillow's bilinear filter, which the page repeats byte for byte:
static/js/ondevice/imaging.js), and seven cheap statistics of that patch go into a logistic
model fitted by ``scripts/fit_drawn_gate.py`` on pictures made here (docs/face-gate.md,
"Drawn faces are not faces"):

- ``flat``: the share of neighbouring pixels with exactly the same colour (paint is flat,
  a camera's pixels never are);
- ``levels``: the entropy of the grey levels, in bits (a drawing has a few tones);
- ``texture``: the median absolute Laplacian of the grey patch (skin, hair and sensor noise
  against smooth fills);
- ``odd_colour``: the share of pixels neither grey-ish nor in the skin-tone range of YCbCr
  (yellow smileys, green masks);
- ``saturation``: the mean saturation, (max - min) / 255;
- ``extremes``: the share of pixels near black or white (ink on paper);
- ``edges``: the share of all the grey gradient carried by the steepest tenth of the pixels
  (a drawing's change is all at its outlines; a photo's is spread over it).

The weights, the standardisation and the threshold live in ``models/drawn_gate.json``, which
the page gets through the pipeline contract (``GET /api/ondevice``), so both sides decide alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image

from emotionpix.emotion.runtime import MODELS_DIR

GATE_FILE = "drawn_gate.json"
FEATURES = ("flat", "levels", "texture", "odd_colour", "saturation", "extremes", "edges")


@dataclass(frozen=True)
class DrawnGate:
    """The fitted logistic model: P(drawn) = sigmoid(bias + weights · (features - mean) / scale);
    a detection is dropped when P(drawn) >= threshold."""

    patch: int
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def as_dict(self) -> dict[str, object]:
        return {
            "patch": self.patch,
            "features": list(FEATURES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }


@cache
def load_gate() -> DrawnGate:
    """The bundled gate (``models/drawn_gate.json``)."""
    data = json.loads((MODELS_DIR / GATE_FILE).read_text())
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{GATE_FILE} was fitted on other features: {data['features']}")
    return DrawnGate(
        patch=int(data["patch"]),
        mean=tuple(data["mean"]),
        scale=tuple(data["scale"]),
        weights=tuple(data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
    )


def _round_half_even(value: float) -> int:
    return round(value)  # Python's round is half to even, as the page's roundHalfEven


def patch_box(
    box: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The detection's box in whole pixels (left, top, right, bottom), inside the image, at
    least one pixel each way."""
    x, y, w, h = box
    left = min(max(_round_half_even(x), 0), size[0] - 1)
    top = min(max(_round_half_even(y), 0), size[1] - 1)
    right = max(min(_round_half_even(x + w), size[0]), left + 1)
    bottom = max(min(_round_half_even(y + h), size[1]), top + 1)
    return left, top, right, bottom


def face_patch(
    image: Image.Image, box: tuple[float, float, float, float], patch: int
) -> np.ndarray:
    """The box's pixels resized to ``patch``² RGB, uint8 [patch, patch, 3]."""
    region = image.crop(patch_box(box, image.size)).convert("RGB")
    return np.asarray(region.resize((patch, patch), Image.Resampling.BILINEAR))


def features(rgb: np.ndarray) -> np.ndarray:
    """The seven statistics of an RGB patch (uint8 [n, n, 3]), in ``FEATURES`` order, float64."""
    pixels = rgb.astype(np.int64)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    grey = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16  # Pillow's convert("L")
    same_x = np.all(pixels[:, 1:] == pixels[:, :-1], axis=2)
    same_y = np.all(pixels[1:] == pixels[:-1], axis=2)
    flat = (same_x.sum() + same_y.sum()) / (same_x.size + same_y.size)
    counts = np.bincount((grey >> 3).ravel(), minlength=32).astype(np.float64)
    shares = counts[counts > 0] / grey.size
    levels = float(-(shares * np.log2(shares)).sum())
    laplacian = (
        4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    )
    texture = float(np.median(np.abs(laplacian)))
    # YCbCr chroma (JPEG's) minus 128, x 10,000 in integers, so that both sides agree exactly.
    cb = -1687 * r - 3313 * g + 5000 * b
    cr = 5000 * r - 4187 * g - 813 * b
    greyish = cb * cb + cr * cr < 120_000**2  # chroma under 12
    skin = (cb >= -510_000) & (cb <= -10_000) & (cr >= 50_000) & (cr <= 450_000)
    odd_colour = float(np.mean(~(greyish | skin)))
    saturation = float(np.mean(pixels.max(axis=2) - pixels.min(axis=2)) / 255)
    extremes = float(np.mean((grey < 24) | (grey > 232)))
    gradient = np.sort(
        (
            np.abs(grey[1:-1, 2:] - grey[1:-1, :-2]) + np.abs(grey[2:, 1:-1] - grey[:-2, 1:-1])
        ).ravel()
    )
    top = gradient[len(gradient) - len(gradient) // 10 :]
    edges = float(top.sum() / max(int(gradient.sum()), 1))
    values = [flat, levels, texture, odd_colour, saturation, extremes, edges]
    return np.array(values, dtype=np.float64)


def drawn_probability(values: np.ndarray, gate: DrawnGate) -> float:
    """P(drawn) for one patch's features."""
    z = gate.bias
    for value, mean, scale, weight in zip(values, gate.mean, gate.scale, gate.weights, strict=True):
        z += weight * (value - mean) / scale
    return float(1.0 / (1.0 + np.exp(-z)))


def looks_drawn(
    image: Image.Image, box: tuple[float, float, float, float], gate: DrawnGate
) -> bool:
    """Whether the detection in ``box`` looks drawn rather than photographed."""
    return drawn_probability(features(face_patch(image, box, gate.patch)), gate) >= gate.threshold
