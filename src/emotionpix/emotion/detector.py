"""BlazeFace face detection (MediaPipe's models, converted to ONNX) on ONNX Runtime.

preprocess (letterbox to the model's square input, scale to [-1, 1]) -> forward -> decode the
SSD anchors -> weighted non-maximum suppression -> boxes in the original image's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from emotionpix.emotion.drawn import DrawnGate, load_gate, looks_drawn
from emotionpix.emotion.runtime import PIXEL_SCALE, make_session


@dataclass(frozen=True)
class Detection:
    """A face: box (x, y, w, h) in image pixels, detector score, six keypoints (x, y)
    (right eye, left eye, nose tip, mouth, right ear, left ear)."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class BlazeFaceSpec:
    """One BlazeFace variant: its file, input size and SSD anchor layout."""

    file: str
    size: int
    strides: tuple[int, ...]
    anchors_per_cell: tuple[int, ...]  # per stride, after merging layers of equal stride


SHORT_RANGE = BlazeFaceSpec("blazeface_short_range.onnx", 128, (8, 16), (2, 6))
FULL_RANGE = BlazeFaceSpec("blazeface_full_range.onnx", 192, (4,), (1,))
NMS_IOU = 0.3  # boxes overlapping more than this are one face
LETTERBOX_REDUCING_GAP = 1.0  # see BlazeFaceModel.letterbox


def make_anchors(spec: BlazeFaceSpec) -> np.ndarray:
    """Anchor centres [A, 2] in [0, 1] (x, y); every anchor has size 1 (fixed-size anchors)."""
    centres = []
    for stride, per_cell in zip(spec.strides, spec.anchors_per_cell, strict=True):
        cells = spec.size // stride
        grid = (np.arange(cells, dtype=np.float32) + 0.5) / cells
        ys, xs = np.meshgrid(grid, grid, indexing="ij")
        xy = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(xy, per_cell, axis=0))
    return np.concatenate(centres)


class BlazeFaceModel:
    """One BlazeFace network: an image in, raw detections (normalised to the image) out."""

    def __init__(self, spec: BlazeFaceSpec, threads: int = 1):
        self.spec = spec
        self.session = make_session(spec.file, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.channels_first = self.session.get_inputs()[0].shape[1] == 3
        self.anchors = make_anchors(spec)
        outputs = sorted(self.session.get_outputs(), key=lambda o: o.shape[-1])
        self.score_name, self.box_name = outputs[0].name, outputs[1].name

    def letterbox(self, image: Image.Image) -> tuple[np.ndarray, float, float, float]:
        """The model input, and (scale, pad_x, pad_y) to map its coordinates back."""
        size = self.spec.size
        scale = size / max(image.size)
        width = max(1, round(image.width * scale))
        height = max(1, round(image.height * scale))
        # reducing_gap=1: an integer box reduction (antialiased) does most of the shrinking and
        # bilinear the remaining < 2x: 0.2 ms for a 640x480 frame, against 0.7 ms with a gap of 2.
        resized = image.resize(
            (width, height), Image.Resampling.BILINEAR, reducing_gap=LETTERBOX_REDUCING_GAP
        )
        canvas = np.zeros((size, size, 3), dtype=np.float32)
        pad_x, pad_y = (size - width) // 2, (size - height) // 2
        canvas[pad_y : pad_y + height, pad_x : pad_x + width] = np.asarray(resized)
        canvas = canvas / PIXEL_SCALE - 1.0
        tensor = canvas.transpose(2, 0, 1) if self.channels_first else canvas
        return tensor[None], scale, pad_x, pad_y

    def __call__(self, image: Image.Image, threshold: float) -> list[Detection]:
        tensor, scale, pad_x, pad_y = self.letterbox(image)
        scores, boxes = self.session.run(
            [self.score_name, self.box_name], {self.input_name: tensor}
        )
        logits = np.clip(scores[0, :, 0].astype(np.float64), -100.0, 100.0)
        probs = 1.0 / (1.0 + np.exp(-logits))
        keep = np.flatnonzero(probs >= threshold)
        if keep.size == 0:
            return []
        size = float(self.spec.size)
        raw = boxes[0, keep] / size
        centres = self.anchors[keep]
        cx, cy = raw[:, 0] + centres[:, 0], raw[:, 1] + centres[:, 1]
        w, h = raw[:, 2], raw[:, 3]
        corners = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        points = raw[:, 4:16].reshape(-1, 6, 2) + centres[:, None, :]
        merged = weighted_nms(corners, points, probs[keep])
        # From letterboxed [0, 1] coordinates back to the original image's pixels.
        to_px = np.array([size, size]) / scale
        offset = np.array([pad_x, pad_y]) / scale
        found = []
        for box, kps, score in merged:
            x0, y0 = box[:2] * to_px - offset
            x1, y1 = box[2:] * to_px - offset
            x0, y0 = max(0.0, x0), max(0.0, y0)
            x1, y1 = min(float(image.width), x1), min(float(image.height), y1)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            kp = tuple((float(px), float(py)) for px, py in kps * to_px - offset)
            found.append(
                Detection((float(x0), float(y0), float(x1 - x0), float(y1 - y0)), float(score), kp)
            )
        return found


def weighted_nms(
    corners: np.ndarray, points: np.ndarray, scores: np.ndarray, iou_threshold: float = NMS_IOU
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """MediaPipe-style weighted NMS: overlapping boxes are averaged, weighted by score."""
    order = np.argsort(-scores)
    remaining = list(order)
    merged = []
    while remaining:
        top = remaining[0]
        ious = iou(corners[top], corners[remaining])
        group = [remaining[i] for i in np.flatnonzero(ious > iou_threshold)]
        weights = scores[group][:, None]
        box = (corners[group] * weights).sum(0) / weights.sum()
        kps = (points[group] * weights[:, :, None]).sum(0) / weights.sum()
        merged.append((box, kps, float(scores[top])))
        grouped = set(group)
        remaining = [i for i in remaining if i not in grouped]
    return merged


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one [x0, y0, x1, y1] box with many."""
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return np.asarray(inter / np.maximum(area + areas - inter, 1e-9))


def upright_face(face: Detection) -> bool:
    """Whether the keypoints are laid out as on an upright face: eyes, nose tip and mouth
    inside the box, the person's right eye left of their left eye in the picture, the nose tip
    below the eyes and the mouth below the nose.

    The score alone cannot tell Chromium's fake-camera test pattern (a green disc) from a
    face: the short-range model gives it up to 0.65. Its keypoints give it away: the "nose"
    sits above the "eyes" in every frame measured. The check keeps 3,379 of the 3,387
    FER2013 PublicTest faces the score finds, and every face in the test photos
    (docs/face-gate.md has the measurements)."""
    if len(face.keypoints) < 4:
        return False
    x, y, w, h = face.box
    right_eye, left_eye, nose, mouth = face.keypoints[:4]
    inside = all(x <= px <= x + w and y <= py <= y + h for px, py in face.keypoints[:4])
    eyes_y = (right_eye[1] + left_eye[1]) / 2
    return inside and right_eye[0] < left_eye[0] and eyes_y < nose[1] < mouth[1]


class FaceDetector:
    """Short-range BlazeFace first (fast, faces filling the frame); when it finds no face
    that counts, the full-range model looks for smaller, more distant faces.

    A detection counts when its score reaches ``threshold``, its keypoints are laid out as an
    upright face's, and its pixels do not look drawn (``drawn.py``; ``drawn_gate=None`` turns
    that check off)."""

    def __init__(
        self,
        threshold: float = 0.6,
        threads: int = 1,
        full_range: bool = True,
        drawn_gate: DrawnGate | bool | None = True,
    ):
        self.threshold = threshold
        self.short = BlazeFaceModel(SHORT_RANGE, threads)
        self.full = BlazeFaceModel(FULL_RANGE, threads) if full_range else None
        self.drawn_gate = load_gate() if drawn_gate is True else drawn_gate or None

    def counts(self, image: Image.Image, face: Detection) -> bool:
        """Upright, and (with the gate) not drawn."""
        if not upright_face(face):
            return False
        return self.drawn_gate is None or not looks_drawn(image, face.box, self.drawn_gate)

    def detect(self, image: Image.Image) -> list[Detection]:
        """Every face found (score at least ``threshold``, keypoints laid out as a face's,
        photographed rather than drawn), most confident first; an empty list when there is
        none."""
        faces = [face for face in self.short(image, self.threshold) if self.counts(image, face)]
        if not faces and self.full is not None:
            found = self.full(image, self.threshold)
            faces = [face for face in found if self.counts(image, face)]
        return sorted(faces, key=lambda f: -f.score)
