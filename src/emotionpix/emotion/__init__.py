"""The emotion engine: face detection (BlazeFace) and facial-expression classification on
ONNX Runtime. ``EmotionEngine(model_name)`` builds one; ``services.py`` builds it from
configuration."""

from __future__ import annotations

from emotionpix.emotion.detector import FaceDetector
from emotionpix.emotion.pipeline import Analysis, EmotionEngine, FaceEmotion

__all__ = ["Analysis", "EmotionEngine", "FaceDetector", "FaceEmotion"]
