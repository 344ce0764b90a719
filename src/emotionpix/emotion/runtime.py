"""ONNX Runtime sessions, configured once for this machine's small CPU."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime as ort

MODELS_DIR = Path(__file__).parent / "models"
# Every model (detectors and classifiers) takes pixels as x / PIXEL_SCALE - 1, in [-1, 1].
PIXEL_SCALE = 127.5


def make_session(path: Path | str, threads: int = 1) -> ort.InferenceSession:
    """A CPU session for ``path`` (a relative path names a bundled model in ``MODELS_DIR``).

    One intra-op thread by default: on two cores, a second spinning thread hurts the latency
    tail more than it helps one small model.

    ONNX Runtime is imported here, not with the module: importing it starts a thread, and a
    server's parent process, which forks the workers, must not have one (a worker would
    abort on exit). Its telemetry is turned off: left on, the import alone writes a device
    id and an events database under the user's cache folder
    (``~/.cache/Microsoft/DeveloperTools/.onnxruntime``)."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # read as the library loads, before any event
    import onnxruntime as ort

    ort.disable_telemetry_events()  # and for a runtime something imported before us

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    model = MODELS_DIR / path  # an absolute path stays as it is
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def run_batched(session: ort.InferenceSession, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """The session's first output for every row of ``x``, ``batch`` rows per call, so a
    whole dataset never has to pass through the model at once."""
    name = session.get_inputs()[0].name
    outputs = [session.run(None, {name: x[i : i + batch]})[0] for i in range(0, len(x), batch)]
    return np.concatenate(outputs) if outputs else np.empty((0,), np.float32)
