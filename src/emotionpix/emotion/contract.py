"""The preprocessing contract: everything another implementation of the pipeline (the page's
on-device reader, static/js/ondevice/) needs to give the same answer as this one.

It is read from the objects the Python pipeline itself runs on (the detector's specs and
threshold, the classifier's spec, the working size), never restated, so the two cannot
drift; the web layer adds the URLs of the model files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emotionpix.emotion.detector import LETTERBOX_REDUCING_GAP, NMS_IOU, BlazeFaceModel
from emotionpix.emotion.engine import ASK_MARGIN, MAX_FACES, EmotionEngine
from emotionpix.emotion.framing import TEMPLATE, WORK
from emotionpix.emotion.image import WORKING_REDUCING_GAP, WORKING_SIZE
from emotionpix.emotion.runtime import MODELS_DIR, PIXEL_SCALE


def model_path(file: str) -> Path:
    """Where a model file named in a spec lies (relative names: the bundled models)."""
    return MODELS_DIR / file


def _detector(model: BlazeFaceModel) -> dict[str, Any]:
    spec = model.spec
    return {
        "file": spec.file,
        "size": spec.size,
        "strides": list(spec.strides),
        "anchors_per_cell": list(spec.anchors_per_cell),
        "layout": "nchw" if model.channels_first else "nhwc",
    }


def pipeline_contract(engine: EmotionEngine) -> dict[str, Any]:
    """The engine's pipeline as data: decode limits, detectors (in the order they are tried),
    classifier, scaling (x / pixel_scale - 1) and label order."""
    detector = engine.detector
    spec = engine.classifier.spec
    detectors = [detector.short] + ([detector.full] if detector.full is not None else [])
    return {
        "working_size": list(WORKING_SIZE),
        "working_reducing_gap": WORKING_REDUCING_GAP,
        "letterbox_reducing_gap": LETTERBOX_REDUCING_GAP,
        "pixel_scale": PIXEL_SCALE,
        "detector": {
            "threshold": detector.threshold,
            "nms_iou": NMS_IOU,
            "models": [_detector(model) for model in detectors],
            # the drawn-face gate (drawn.py): null when it is off
            "drawn": detector.drawn_gate.as_dict() if detector.drawn_gate is not None else None,
        },
        "classifier": {
            "name": spec.name,
            "file": spec.file,
            "size": spec.size,
            "margin": spec.margin,
            # aligned by the keypoints: TEMPLATE (fractions of the crop side), read through a
            # square of WORK x the crop side (framing.py)
            "align": {"template": [list(p) for p in TEMPLATE], "work": WORK}
            if spec.align
            else None,
            "labels": list(spec.labels),
            "accuracy": spec.accuracy,
        },
        "max_faces": MAX_FACES,
        "close_call_margin": ASK_MARGIN,  # the field keeps its name: the page reads it
    }
