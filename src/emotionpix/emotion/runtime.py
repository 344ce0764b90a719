"""ONNX Runtime sessions, configured once for this machine's small CPU."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

MODELS_DIR = Path(__file__).parent / "models"


def make_session(path: Path | str, threads: int = 1) -> ort.InferenceSession:
    """A CPU session for ``path`` (a relative path names a bundled model in ``MODELS_DIR``).

    One intra-op thread by default: on two cores, a second spinning thread hurts the latency
    tail more than it helps one small model."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    model = MODELS_DIR / path  # an absolute path stays as it is
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
