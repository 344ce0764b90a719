"""The emotion engine: face detection (BlazeFace) and facial-expression classification on
ONNX Runtime. ``build_engine`` creates it from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emotionpix.emotion.detector import FaceDetector
from emotionpix.emotion.pipeline import Analysis, EmotionEngine, FaceEmotion

__all__ = ["Analysis", "EmotionEngine", "FaceEmotion", "build_engine"]


def build_engine(config: Mapping[str, Any]) -> EmotionEngine:
    """The engine described by ``EMOTION_MODEL``, ``FACE_THRESHOLD``, ``ONNX_THREADS`` and
    ``MAX_IMAGE_PIXELS``."""
    threads = config["ONNX_THREADS"]
    detector = FaceDetector(threshold=config["FACE_THRESHOLD"], threads=threads)
    return EmotionEngine(
        config["EMOTION_MODEL"],
        detector,
        threads=threads,
        max_pixels=config["MAX_IMAGE_PIXELS"],
    )
