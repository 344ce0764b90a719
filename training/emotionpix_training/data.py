"""Datasets as (images uint8 [N, 48, 48], labels int64 [N]) from FER2013's npz or CSV forms or
from a folder-per-label tree (``DIR/<label>/*.png``)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.dataset import dataset_files, load_crops

SIZE = 48


def load_dataset(path: Path, usage: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load any supported form. ``usage`` picks a split of the original FER2013 CSV
    ("Training", "PublicTest", "PrivateTest")."""
    if path.is_dir():
        return load_folder(path)
    if path.suffix == ".npz":
        return load_npz(path)
    if path.suffix == ".csv":
        return load_csv(path, usage)
    raise ValueError(f"{path}: expected a .npz or .csv file or a folder of label folders")


def load_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as data:
        return _checked(data["x"], data["y"], path)


def load_csv(path: Path, usage: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """FER2013's ``emotion,pixels,Usage`` CSV (pixels: 2,304 space-separated values)."""
    images, labels = [], []
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if usage and row.get("Usage") != usage:
                continue
            pixels = np.array(row["pixels"].split(), dtype=np.uint8)
            images.append(pixels.reshape(SIZE, SIZE))
            labels.append(int(row["emotion"]))
    if not images:
        raise ValueError(f"{path}: no rows" + (f" with Usage={usage}" if usage else ""))
    return _checked(np.stack(images), np.array(labels), path)


def load_folder(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images under ``root/<emotion>/``, converted to grey and resized to 48x48."""
    files = dataset_files(root, EMOTIONS)
    images = load_crops([path for path, _ in files], SIZE)
    return _checked(images, np.array([label for _, label in files]), root)


def _checked(x: np.ndarray, y: np.ndarray, source: Path) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=np.uint8), np.asarray(y, dtype=np.int64)
    if x.ndim != 3 or x.shape[1:] != (SIZE, SIZE) or len(x) != len(y):
        raise ValueError(
            f"{source}: expected images [N, 48, 48] and N labels, got {x.shape} and {y.shape}"
        )
    if y.min() < 0 or y.max() >= len(EMOTIONS):
        raise ValueError(f"{source}: labels must be 0-{len(EMOTIONS) - 1}")
    return x, y


def selection_split(
    labels: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, selection): ``fraction`` of every class, drawn with ``seed``, held out
    of training so that epochs, temperatures and models are chosen without looking at the
    test split. Stratified: each class keeps its share in both parts."""
    if not 0 < fraction < 1:
        raise ValueError("the selection fraction must be between 0 and 1")
    rng = np.random.default_rng(seed)
    held: list[np.ndarray] = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = max(1, round(len(members) * fraction))
        held.append(rng.choice(members, count, replace=False))
    selection = np.sort(np.concatenate(held))
    train = np.setdiff1d(np.arange(len(labels)), selection)
    return train, selection


def main() -> None:
    """``python -m emotionpix_training.data split TRAIN.npz --out-dir DIR``: write
    ``DIR/train.npz`` and ``DIR/selection.npz`` (a stratified selection split)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Carve a stratified selection split.")
    parser.add_argument("command", choices=["split"])
    parser.add_argument("source", type=Path, help="npz, csv or folder")
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--fraction", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    x, y = load_dataset(args.source)
    train, selection = selection_split(y, args.fraction, args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out_dir / "train.npz", x=x[train], y=y[train])
    np.savez_compressed(args.out_dir / "selection.npz", x=x[selection], y=y[selection])
    counts = {
        name: np.bincount(y[part], minlength=len(EMOTIONS)).tolist()
        for name, part in (("train", train), ("selection", selection))
    }
    print(json.dumps({"fraction": args.fraction, "seed": args.seed, "counts": counts}))


if __name__ == "__main__":
    main()
