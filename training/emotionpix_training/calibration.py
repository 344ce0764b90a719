"""Temperature scaling and calibration error, in NumPy (shared by single-model and ensemble
export): one temperature T divides the logits before the softmax so that the confidences the
UI shows match how often the model is right."""

from __future__ import annotations

import itertools

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def nll(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean negative log-likelihood of the true labels."""
    return float(-np.log(np.maximum(probs[np.arange(len(labels)), labels], 1e-12)).mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T in [0.25, 5] (steps of 0.01) that minimises the NLL of softmax(logits / T)."""
    grid = np.linspace(0.25, 5.0, 476)
    losses = [nll(softmax(logits, t), labels) for t in grid]
    return round(float(grid[int(np.argmin(losses))]), 3)


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE: |accuracy - confidence| averaged over equal-width confidence bins."""
    confidence = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def calibration_report(
    logits: np.ndarray, labels: np.ndarray, temperature: float
) -> dict[str, float]:
    """ECE and NLL before (T = 1) and after temperature scaling."""
    before, after = softmax(logits), softmax(logits, temperature)
    return {
        "temperature": temperature,
        "ece_before": round(expected_calibration_error(before, labels), 4),
        "ece_after": round(expected_calibration_error(after, labels), 4),
        "nll_before": round(nll(before, labels), 4),
        "nll_after": round(nll(after, labels), 4),
    }
