"""Facial-expression classification: face crops in, probabilities over seven emotions out
(the crops themselves are cut by framing.py)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from emotionpix.emotion.detector import Detection
from emotionpix.emotion.framing import aligned_crop, can_align, face_crop, square_crop_box
from emotionpix.emotion.registry import ModelSpec
from emotionpix.emotion.runtime import PIXEL_SCALE, make_session, run_batched


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
        """uint8 grey [N, size, size] crops framed as the model was trained: aligned by the
        keypoints (``framing.py``) where the model asks for it, else the widened box."""
        return np.stack([self.crop(image, face) for face in faces])

    def crop(self, image: Image.Image, face: Detection) -> np.ndarray:
        size = self.spec.size
        if self.spec.align and can_align(face):
            return aligned_crop(image, face, size)
        return face_crop(image, square_crop_box(face.box, self.spec.margin), size)

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
