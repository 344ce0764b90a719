"""The superseded and the not-chosen expression models, kept in ``training/models/`` for
warm starts, distillation and comparison. Registered with the app's model registry through the
``emotionpix.models`` entry point, so ``emotionpix eval --model NAME`` and
``EMOTIONPIX_EMOTION_MODEL`` can select them wherever this distribution is installed from
the repository (editable). Accuracies are FER2013 PublicTest, from each model's build report
(``training/models/*.build.json``, ``training/runs/vgg-a/export.json``)."""

from __future__ import annotations

from pathlib import Path

from emotionpix.emotion.registry import ModelSpec

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def _archived(
    name: str, file: str, accuracy: float, int8: bool = True, mirrored: bool = True
) -> ModelSpec:
    """A 48x48 model; the ensemble builder's graphs are int8 and, but for a one-view build,
    mirror-averaged."""
    return ModelSpec(
        name=name,
        file=str(MODELS_DIR / file),
        size=48,
        accuracy=accuracy,
        int8=int8,
        mirror_invariant=mirrored,
    )


MODELS: tuple[ModelSpec, ...] = (
    # fast-1: the narrow network taught by emotionpix-wide on every augmented batch, one view
    # (no mirror, no zoom), int8: a quarter of the default's cost, 1.9 points less accurate.
    _archived("emotionpix-fast", "emotionpix_fast.onnx", 0.6821, mirrored=False),
    # The previous default: vgg-kd2, four views (as it is, mirrored, zoomed 8 %, both).
    _archived("emotionpix-distilled-2", "emotionpix_distilled_2.onnx", 0.6949),
    # vgg-kd, distilled from the ensemble below, flip-averaged.
    _archived("emotionpix-distilled", "emotionpix_distilled.onnx", 0.6851),
    # vgg-a + vgg-b, flip-averaged: the first teacher.
    _archived("emotionpix-ensemble", "emotionpix_ensemble.onnx", 0.6818),
    # vgg-a alone, as exported (float32, one view): the first cycle.
    _archived("emotionpix-vgg", "emotionpix_vgg.onnx", 0.669, int8=False, mirrored=False),
)
