"""Training our own facial-expression models (PyTorch). A distribution of its own, outside
the app's wheel: ``pip install -e . -e ./training`` from the repository root. The app never
imports it; it runs the exported ONNX files on ONNX Runtime."""

from importlib.util import find_spec

if find_spec("torch") is None:  # without importing it: the model archive needs no torch
    raise ImportError(
        "emotionpix_training needs PyTorch (the CPU build): from the repository root run "
        "`pip install -e . -e ./training`, which installs torch==2.13.0 with it"
    )
