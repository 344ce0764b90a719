"""The emotion engine: face detection (BlazeFace) and facial-expression classification on
ONNX Runtime. ``EmotionEngine(model_name)`` builds one; ``wiring.py`` builds it from
configuration."""

from __future__ import annotations

from emotionpix.emotion.detector import FaceDetector
from emotionpix.emotion.engine import Analysis, EmotionEngine, FaceEmotion
from emotionpix.emotion.errors import EmotionError

__all__ = ["Analysis", "EmotionEngine", "EmotionError", "FaceDetector", "FaceEmotion"]
