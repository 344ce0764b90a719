"""Facial-expression classification: face crops in, probabilities over seven emotions out."""

from __future__ import annotations

import numpy as np
from PIL import Image

from emotionpix.emotion.detector import Detection
from emotionpix.emotion.registry import ModelSpec
from emotionpix.emotion.runtime import PIXEL_SCALE, make_session, run_batched


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


def to_model_input(crops: np.ndarray) -> np.ndarray:
    """uint8 grey crops [N, H, W] -> float32 [N, 1, H, W] in [-1, 1], the scaling every
    expression model is trained and exported with (x / 127.5 - 1)."""
    return np.asarray(crops, dtype=np.float32)[:, None] / PIXEL_SCALE - 1.0


class ExpressionClassifier:
    """One registered model on ONNX Runtime (an ensemble is one model too: its members and
    any test-time flip averaging live inside the ONNX graph, so one call classifies all faces)."""

    def __init__(self, spec: ModelSpec, threads: int = 1):
        self.spec = spec
        self.session = make_session(spec.file, threads)

    def crops(self, image: Image.Image, faces: list[Detection]) -> np.ndarray:
        """uint8 grey [N, size, size] crops framed as the model was trained."""
        size = self.spec.size
        return np.stack(
            [face_crop(image, square_crop_box(f.box, self.spec.margin), size) for f in faces]
        )

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """Probabilities [N, 7] for uint8 crops [N, size, size] (any size is resized)."""
        if crops.shape[1:] != (self.spec.size, self.spec.size):
            crops = np.stack(
                [
                    np.asarray(
                        Image.fromarray(c).resize((self.spec.size,) * 2, Image.Resampling.BILINEAR)
                    )
                    for c in crops
                ]
            )
        return run_batched(self.session, to_model_input(crops))
