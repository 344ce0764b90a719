"""Folder-per-label datasets (``DIR/<label>/*.jpg|png|webp``), read for evaluation here and
for training by the research package."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def dataset_files(root: Path, labels: Sequence[str]) -> list[tuple[Path, int]]:
    """(path, label index) for every image under a known label's folder, sorted."""
    if not root.is_dir():
        raise ValueError(f"{root} is not a folder")
    files = [
        (path, list(labels).index(folder.name))
        for folder in sorted(root.iterdir())
        if folder.is_dir() and folder.name in labels
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in SUFFIXES
    ]
    if not files:
        raise ValueError(f"no images under {root}/<label>/ for labels {', '.join(labels)}")
    return files


def load_crops(paths: Sequence[Path], size: int) -> np.ndarray:
    """Images taken as face crops already: grey, resized to ``size``², uint8 [N, size, size]."""
    crops = np.empty((len(paths), size, size), np.uint8)
    for i, path in enumerate(paths):
        with Image.open(path) as image:
            crops[i] = np.asarray(
                image.convert("L").resize((size, size), Image.Resampling.BILINEAR)
            )
    return crops
