"""Evaluate the engine on a folder-per-label dataset (``DIR/<label>/*.jpg|png|webp``).

Accuracy counts every image (an image whose face was not found counts as wrong); the
detection rate says how many faces were found. With ``detect=False`` every image is taken
as a face crop already (FER2013's 48x48 images, for instance).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from emotionpix.emotion.dataset import dataset_files, load_crops
from emotionpix.emotion.engine import EmotionEngine
from emotionpix.emotion.errors import EmotionError


def predict_dataset(
    engine: EmotionEngine, files: list[tuple[Path, int]], detect: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(true labels, predicted labels); -1 where no face was found."""
    truth = np.array([label for _, label in files])
    if not detect:
        crops = load_crops([path for path, _ in files], engine.classifier.spec.size)
        return truth, engine.classify_crops(crops).argmax(1)
    predicted = np.full(len(files), -1)
    labels = engine.classifier.spec.labels
    for i, (path, _) in enumerate(files):
        try:
            analysis = engine.analyse(path.read_bytes())
        except EmotionError:
            continue
        predicted[i] = labels.index(analysis.primary.emotion)
    return truth, predicted


def metrics(truth: np.ndarray, predicted: np.ndarray, labels: tuple[str, ...]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1, confusion matrix, detection rate."""
    n, k = len(truth), len(labels)
    confusion = np.zeros((k, k), dtype=int)
    found = predicted >= 0
    for t, p in zip(truth[found], predicted[found], strict=True):
        confusion[t, p] += 1
    per_class = {}
    f1s = []
    for i, label in enumerate(labels):
        tp = confusion[i, i]
        support = int((truth == i).sum())
        precision = tp / confusion[:, i].sum() if confusion[:, i].sum() else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": support,
        }
        if support:
            f1s.append(f1)
    return {
        "n": n,
        "accuracy": round(float((predicted == truth).sum() / n), 4),
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "detection_rate": round(float(found.mean()), 4),
        "per_class": per_class,
        "labels": list(labels),
        "confusion": confusion.tolist(),
    }


def evaluate(engine: EmotionEngine, root: Path, detect: bool = True) -> dict[str, Any]:
    """Run the engine over a dataset folder and return its metrics (plus the model name)."""
    labels = engine.classifier.spec.labels
    truth, predicted = predict_dataset(engine, dataset_files(root, labels), detect)
    return {"model": engine.model_name, "detect": detect, **metrics(truth, predicted, labels)}
