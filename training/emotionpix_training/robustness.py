"""How models hold up under what real cameras do: accuracy and per-class recall on a dataset
whose every face is corrupted one way at a time.

    python -m emotionpix_training.robustness A.onnx [B.onnx ...] --data VAL.npz [--seed 0]

Corruptions (each at full strength of the training ranges, drawn once with ``--seed`` so that
every model sees the same pictures): blur, sensor noise, low light and gamma, JPEG artefacts
(``augment.camera``), a random erased patch (occlusion) and an in-plane turn of 15°
(``augment.augment``). Prints one JSON report per model: ``{corruption: {accuracy, recall}}``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.classifier import to_model_input
from emotionpix.emotion.evaluate import metrics
from emotionpix_training.augment import AugmentConfig, CameraConfig, augment, camera
from emotionpix_training.ensemble import run

ONLY = {  # each camera corruption alone, on every face
    "blur": CameraConfig(blur=1.0, noise=0.0, light=0.0, jpeg=0.0),
    "noise": CameraConfig(blur=0.0, noise=1.0, light=0.0, jpeg=0.0),
    "light": CameraConfig(blur=0.0, noise=0.0, light=1.0, jpeg=0.0),
    "jpeg": CameraConfig(blur=0.0, noise=0.0, light=0.0, jpeg=1.0),
}


def _camera_only(name: str) -> Callable[[torch.Tensor, torch.Generator], torch.Tensor]:
    config = ONLY[name]
    return lambda x, gen: camera(x, gen, config)


def _turned(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Every face turned by exactly ±15° (the sign drawn)."""
    sign = torch.where(torch.rand(len(x), generator=gen) < 0.5, -1.0, 1.0)
    out = torch.empty_like(x)
    for s in (-1.0, 1.0):
        out[sign == s] = _fixed_turn(x[sign == s], 15 * s)
    return out


def _fixed_turn(x: torch.Tensor, degrees: float) -> torch.Tensor:
    angle = torch.tensor(np.radians(degrees), dtype=torch.float32)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.tensor([[cos, -sin, 0.0], [sin, cos, 0.0]], dtype=torch.float32)
    grid = torch.nn.functional.affine_grid(
        theta.expand(len(x), 2, 3), list(x.shape), align_corners=False
    )
    return torch.nn.functional.grid_sample(
        x, grid, mode="bilinear", padding_mode="border", align_corners=False
    )


OCCLUSION = AugmentConfig(
    rotation_deg=0, scale=0, shift=0, flip=0, brightness=0, contrast=0, erase=1.0,
    erase_area=(0.1, 0.2),
)  # fmt: skip


def _occluded(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A patch of 10-20 % of the face replaced by noise (a hand, a cup, a shadow)."""
    return augment(x, gen, OCCLUSION)


CORRUPTIONS: dict[str, Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None] = {
    "clean": None,
    "blur": _camera_only("blur"),
    "noise": _camera_only("noise"),
    "low light": _camera_only("light"),
    "jpeg": _camera_only("jpeg"),
    "occlusion": _occluded,
    "turned 15°": _turned,
}


def corrupted_sets(x: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Model inputs float32 [N, 1, 48, 48] for every corruption, drawn once."""
    clean = torch.from_numpy(to_model_input(x))
    sets = {}
    for i, (name, corrupt) in enumerate(CORRUPTIONS.items()):
        gen = torch.Generator().manual_seed(seed * 1000 + i)
        sets[name] = (clean if corrupt is None else corrupt(clean, gen)).numpy()
    return sets


def report(model: Path, sets: dict[str, np.ndarray], y: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, inputs in sets.items():
        full = metrics(y, run(model, inputs).argmax(1), EMOTIONS)
        out[name] = {
            "accuracy": full["accuracy"],
            "recall": {k: v["recall"] for k, v in full["per_class"].items()},
        }
    return out


def main() -> None:
    from emotionpix_training.data import load_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path, nargs="+", help="ONNX files (probabilities out)")
    parser.add_argument("--data", type=Path, required=True, help="npz, csv or folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    x, y = load_dataset(args.data)
    sets = corrupted_sets(x, args.seed)
    print(json.dumps({path.name: report(path, sets, y) for path in args.models}, indent=2))


if __name__ == "__main__":
    main()
