"""The emotion engine: image bytes -> faces -> emotions, all in memory.

decode (image.py) -> detect (detector.py) -> crop + classify (classifier.py) -> per-face
probabilities and the primary face (the most prominent: largest and most confident).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emotionpix.core.i18n import gettext
from emotionpix.emotion.classifier import ExpressionClassifier
from emotionpix.emotion.detector import Detection, FaceDetector
from emotionpix.emotion.errors import NoFace
from emotionpix.emotion.image import decode_image
from emotionpix.emotion.registry import ModelSpec, get_model

# Top two emotions this close are a close call, said as such (``close_call``: the page then
# asks which of the two): on FER2013 PublicTest, 14 % of faces, for which the top emotion is
# right 44 % of the time and the runner-up 29 % (the rest: 74 %). docs/face-gate.md, "The
# honest 'not sure'". The recommender blends two moods within a wider margin (blend_margin).
ASK_MARGIN = 0.15
MAX_FACES = 10  # the most faces one picture is read for


@dataclass(frozen=True)
class FaceEmotion:
    """One face: where it is, how sure the detector is, and what it expresses."""

    box: tuple[int, int, int, int]
    score: float
    emotions: dict[str, float]

    @property
    def emotion(self) -> str:
        return max(self.emotions, key=self.emotions.__getitem__)

    @property
    def confidence(self) -> float:
        return self.emotions[self.emotion]

    @property
    def runner_up(self) -> str:
        """The second most likely emotion."""
        return sorted(self.emotions, key=self.emotions.__getitem__, reverse=True)[1]

    @property
    def close_call(self) -> bool:
        """The top two emotions are too close to name one honestly."""
        return self.confidence - self.emotions[self.runner_up] < ASK_MARGIN

    def to_dict(self) -> dict[str, Any]:
        return {
            "box": list(self.box),
            "score": round(self.score, 4),
            "emotions": {k: round(v, 4) for k, v in self.emotions.items()},
            "emotion": self.emotion,
            "confidence": round(self.confidence, 4),
            "runner_up": self.runner_up,
            "close_call": self.close_call,
        }


@dataclass
class Analysis:
    """Every face in one image, primary first, with per-stage timings."""

    faces: list[FaceEmotion]
    model: str
    image_size: tuple[int, int]
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def primary(self) -> FaceEmotion:
        return self.faces[0]

    def to_dict(self) -> dict[str, Any]:
        """The API shape, less ``genre`` (the engine knows no genres: the web layer adds it)."""
        return {
            "faces": [face.to_dict() for face in self.faces],
            "emotion": self.primary.emotion,
            "confidence": round(self.primary.confidence, 4),
            "runner_up": self.primary.runner_up,
            "close_call": self.primary.close_call,
            "model": self.model,
            "image_size": list(self.image_size),
            "timings_ms": self.timings_ms,
        }


def prominence(face: Detection) -> float:
    """Bigger and surer faces first: the viewer in front of the camera, not a poster behind."""
    return face.box[2] * face.box[3] * face.score


class EmotionEngine:
    """Holds the detector and one classifier, loaded once; thread-safe (ONNX Runtime
    sessions may be shared between threads)."""

    def __init__(
        self,
        model: str | ModelSpec,
        detector: FaceDetector | None = None,
        threads: int = 1,
        max_pixels: int = 40_000_000,
    ):
        spec = get_model(model) if isinstance(model, str) else model
        self.classifier = ExpressionClassifier(spec, threads)
        self.detector = detector or FaceDetector(threads=threads)
        self.max_pixels = max_pixels

    @property
    def model_name(self) -> str:
        return self.classifier.spec.name

    def analyse(self, data: bytes, max_faces: int = MAX_FACES) -> Analysis:
        """Faces and emotions in an encoded image. Raises InvalidImage / ImageTooLarge /
        UnsupportedImage for bad images and NoFace when no face is found — never a made-up
        answer."""
        t0 = time.perf_counter()
        image = decode_image(data, self.max_pixels)
        t1 = time.perf_counter()
        detections = sorted(self.detector.detect(image), key=prominence, reverse=True)
        t2 = time.perf_counter()
        if not detections:
            raise NoFace(
                gettext(
                    "We could not find a face in that picture. Face the camera in good, even "
                    "light, with your whole face in the frame, and try again."
                )
            )
        detections = detections[:max_faces]
        probs = self.classifier.predict(self.classifier.crops(image, detections))
        t3 = time.perf_counter()
        labels = self.classifier.spec.labels
        faces = [
            FaceEmotion(
                box=tuple(round(v) for v in det.box),  # type: ignore[arg-type]
                score=det.score,
                emotions={label: float(p) for label, p in zip(labels, row, strict=True)},
            )
            for det, row in zip(detections, probs, strict=True)
        ]
        timings = {"decode": t1 - t0, "detect": t2 - t1, "classify": t3 - t2, "total": t3 - t0}
        return Analysis(
            faces=faces,
            model=self.model_name,
            image_size=image.size,
            timings_ms={k: round(v * 1000, 2) for k, v in timings.items()},
        )

    def classify_crops(self, crops: np.ndarray) -> np.ndarray:
        """Probabilities for images that already are face crops (``eval --no-detect``)."""
        return self.classifier.predict(crops)
