"""Export a trained ExpressionNet to ONNX with calibrated, flip-averaged probabilities.

    python -m emotionpix_training.export RUN_DIR/best.pt --val VAL.npz \\
        --out training/work/NAME.onnx

Given several checkpoints of one network (``RUN_DIR/epochs/036.pt ... 045.pt``, kept by
``train --keep-epochs``), it exports their uniform weight average: the last epochs of a run
sit close together in weight space, and their mean generalises a little better than any one
of them (stochastic weight averaging, Izmailov et al. 2018; "model soups", Wortsman et al.
2022). Batch-norm running statistics are averaged with the weights.

1. Test-time flip averaging: the exported graph classifies the face and its mirror image and
   averages the logits (one ONNX call, the batch doubled inside).
2. Temperature scaling: one temperature T, fitted on the validation set to minimise the
   negative log-likelihood, divides the logits before the softmax, so the confidences the UI
   shows mean what they say. The expected calibration error (ECE, 15 bins) is reported before
   and after.
3. Parity: ONNX Runtime and PyTorch must agree within 1e-4 on validation images.
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.evaluate import metrics
from emotionpix_training.calibration import calibration_report, fit_temperature
from emotionpix_training.data import load_dataset
from emotionpix_training.model import ExpressionNet, from_state_dict
from emotionpix_training.train import predict_logits, to_tensor


class Deployable(nn.Module):
    """[N, 1, 48, 48] in [-1, 1] -> calibrated probabilities [N, 7]."""

    def __init__(self, net: nn.Module, temperature: float, flip: bool = True):
        super().__init__()
        self.net = net
        self.flip = flip
        self.temperature: torch.Tensor
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        if not self.flip:
            return self.net(x)  # type: ignore[no-any-return]
        both = self.net(torch.cat([x, torch.flip(x, dims=[3])]))
        plain, mirrored = torch.chunk(both, 2)
        return (plain + mirrored) / 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.logits(x) / self.temperature, dim=1)


def load_net(checkpoints: Sequence[Path]) -> tuple[ExpressionNet, list[int]]:
    """The network of one checkpoint, or the uniform average of several checkpoints' weights
    (the same network); and the epochs they were saved at."""
    states = [torch.load(path, weights_only=False, map_location="cpu") for path in checkpoints]
    average = {
        name: torch.stack([s["ema"][name].double() for s in states]).mean(0).to(tensor.dtype)
        if tensor.is_floating_point()
        else tensor  # batch-norm step counters: not used in eval mode
        for name, tensor in states[-1]["ema"].items()
    }
    return from_state_dict(average).eval(), [s["metrics"]["epoch"] for s in states]


def export(
    checkpoints: Path | Sequence[Path], val: Path, out: Path, flip: bool = True
) -> dict[str, Any]:
    """Calibrate, export and verify one checkpoint or the average of several; returns a report
    (also written next to ``out``)."""
    net, epochs = load_net([checkpoints] if isinstance(checkpoints, Path) else checkpoints)
    x_val, y_val = load_dataset(val)
    xv = to_tensor(x_val)
    plain = Deployable(net, 1.0, flip=flip).eval()
    with torch.no_grad():
        logits = torch.cat([plain.logits(xv[i : i + 512]) for i in range(0, len(xv), 512)])
    val_logits = logits.numpy()
    temperature = fit_temperature(val_logits, y_val)
    model = Deployable(net, temperature, flip=flip).eval()

    out.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated; the new one needs onnxscript, which we do
        # not install. Its output is checked against PyTorch below.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            model,
            (xv[:1],),
            str(out),
            dynamo=False,
            input_names=["input"],
            output_names=["probabilities"],
            dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}},
            opset_version=17,
        )
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    sample = xv[:256]
    onnx_probs = session.run(None, {"input": sample.numpy()})[0]
    with torch.no_grad():
        torch_probs = model(sample).numpy()
    parity = float(np.abs(onnx_probs - torch_probs).max())
    if parity > 1e-4:
        raise RuntimeError(f"ONNX and PyTorch disagree by {parity:.2e}")

    report = metrics(y_val, val_logits.argmax(1), EMOTIONS)
    no_flip = predict_logits(net, xv).argmax(1).numpy()
    summary = {
        "checkpoint_epoch": epochs[0] if len(epochs) == 1 else epochs,
        "flip_average": flip,
        **calibration_report(val_logits, y_val, temperature),
        "val_accuracy_without_flip": round(float((no_flip == y_val).mean()), 4),
        "onnx_torch_max_abs_diff": parity,
        "onnx_bytes": out.stat().st_size,
        **report,
    }
    out.with_suffix(".metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "checkpoint", type=Path, nargs="+", help="a .pt checkpoint, or several to average"
    )
    parser.add_argument("--val", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-flip", action="store_true")
    args = parser.parse_args()
    summary = export(args.checkpoint, args.val, args.out, flip=not args.no_flip)
    print(
        json.dumps(
            {k: v for k, v in summary.items() if k not in {"confusion", "per_class"}}, indent=2
        )
    )


if __name__ == "__main__":
    main()
