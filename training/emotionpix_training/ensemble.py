"""Combine exported expression models into one calibrated ONNX ensemble, int8 by default.

    python -m emotionpix_training.ensemble A.onnx B.onnx C.onnx --val VAL.npz \\
        --calibration TRAIN.npz --out training/work/ensemble.onnx

Each member is a file written by ``emotionpix_training.export`` (input [N, 1, 48, 48] in
[-1, 1], calibrated probabilities out). The ensemble graph

1. makes test-time views of every face: the face and its mirror image (``--no-flip`` turns
   mirroring off), and with ``--zoom 1.08 0.92`` also the face zoomed in and out about its
   centre (and mirrored); each view is ``L @ face @ R`` with constant 48x48 matrices, so
   the views cost two small float products, and the network runs once on all of them;
2. averages the members' log-probabilities over members and views (the geometric mean of
   the members' calibrated probabilities),
3. divides by one temperature fitted on the validation set and applies the softmax.

One ONNX call classifies all faces with every member. Then ONNX Runtime's static
quantization (``--fp32`` skips it) stores convolution and dense weights as int8 with
per-channel scales and runs them with int8 arithmetic: about four times faster on this
machine's CPU (VNNI) and four times smaller. Activation ranges are calibrated on training
images, never on the validation set; the temperature is fitted after quantization, on the
quantized graph's own logits.

    python -m emotionpix_training.ensemble ENSEMBLE.onnx --extract-member 1 --out B.onnx

takes one member back out of an ensemble, as a float model of its own (see
``extract_member``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.classifier import to_model_input
from emotionpix.emotion.evaluate import metrics
from emotionpix.emotion.runtime import run_batched
from emotionpix_training.calibration import calibration_report, fit_temperature, softmax
from emotionpix_training.data import load_dataset

OPSET = 17
INPUT, LOGITS, OUTPUT = "input", "logits", "probabilities"
VIEWS = "views"  # every face's test-time views, batched: what the members read
ROWS, COLUMNS = "view_rows", "view_columns"  # the two products that make the views (kept float)


def zoom_matrix(scale: float, size: int = 48) -> np.ndarray:
    """[size, size] matrix ``M``: ``M @ image`` zooms the rows of ``image`` by ``scale`` about
    the centre (bilinear; beyond the border the edge pixel repeats). ``scale`` 1 is the
    identity, exactly."""
    centre = (size - 1) / 2
    source = np.clip(centre + (np.arange(size) - centre) / scale, 0, size - 1)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, size - 1)
    weight = source - low
    matrix = np.zeros((size, size))
    np.add.at(matrix, (np.arange(size), low), 1 - weight)
    np.add.at(matrix, (np.arange(size), high), weight)
    return matrix


def view_matrices(zooms: Sequence[float], flip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Left and right matrices [V, 48, 48] of the test-time views: view v of a face X is
    ``left[v] @ X @ right[v]``. One view per zoom (the face itself first), each also
    mirrored when ``flip``."""
    left, right = [], []
    for scale in (1.0, *zooms):
        zoom = zoom_matrix(scale)
        for mirrored in (False, True) if flip else (False,):
            left.append(zoom)
            right.append((zoom[::-1] if mirrored else zoom).T)  # mirror: reversed columns
    return np.stack(left).astype(np.float32), np.stack(right).astype(np.float32)


def combine(
    members: Sequence[onnx.ModelProto], flip: bool = True, zooms: Sequence[float] = ()
) -> onnx.ModelProto:
    """One graph: [N, 1, 48, 48] -> mean log-probability over members and views [N, 7]."""
    nodes: list[onnx.NodeProto] = []
    initializers: list[onnx.TensorProto] = []

    def const(name: str, values: Any, dtype: Any) -> str:
        initializers.append(numpy_helper.from_array(np.array(values, dtype=dtype), name))
        return name

    left, right = view_matrices(zooms, flip)
    feed = INPUT
    if len(left) > 1:  # every face's views, one after another: batch [N * V, 1, 48, 48]
        nodes += [
            helper.make_node(
                "MatMul", [const("view_left", left, np.float32), INPUT], ["view_rows"], name=ROWS
            ),  # [V, 48, 48] @ [N, 1, 48, 48] -> [N, V, 48, 48]
            helper.make_node(
                "MatMul",
                ["view_rows", const("view_right", right, np.float32)],
                ["view_both"],
                name=COLUMNS,
            ),
            helper.make_node(
                "Reshape", ["view_both", const("views_batch", [-1, 1, 48, 48], np.int64)], [VIEWS]
            ),
        ]
        feed = VIEWS

    floor = const("probability_floor", 1e-30, np.float32)
    log_probs = []
    for i, member in enumerate(members):
        prefix = f"m{i}_"
        graph = onnx.compose.add_prefix(member, prefix).graph
        member_input, member_output = graph.input[0].name, graph.output[0].name
        for node in graph.node:
            node.input[:] = [feed if name == member_input else name for name in node.input]
        nodes.extend(graph.node)
        initializers.extend(graph.initializer)
        nodes.append(helper.make_node("Clip", [member_output, floor], [f"{prefix}clipped"]))
        nodes.append(helper.make_node("Log", [f"{prefix}clipped"], [f"{prefix}log"]))
        log_probs.append(f"{prefix}log")

    if feed == VIEWS:
        nodes.append(helper.make_node("Mean", log_probs, ["member_mean"]))
        shape = const("views_shape", [-1, len(left), len(EMOTIONS)], np.int64)
        nodes.append(helper.make_node("Reshape", ["member_mean", shape], ["per_view"]))
        nodes.append(helper.make_node("ReduceMean", ["per_view"], [LOGITS], axes=[1], keepdims=0))
    else:
        nodes.append(helper.make_node("Mean", log_probs, [LOGITS]))

    graph = helper.make_graph(
        nodes,
        "emotionpix_ensemble",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", 1, 48, 48])],
        [helper.make_tensor_value_info(LOGITS, TensorProto.FLOAT, ["N", len(EMOTIONS)])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = members[0].ir_version
    onnx.checker.check_model(model)
    return model


def with_temperature(model: onnx.ModelProto, temperature: float) -> onnx.ModelProto:
    """Append softmax(logits / T) as the ``probabilities`` output (replacing ``logits``)."""
    graph = model.graph
    graph.initializer.append(
        numpy_helper.from_array(np.array(temperature, dtype=np.float32), "temperature")
    )
    graph.node.extend(
        [
            helper.make_node("Div", [LOGITS, "temperature"], ["scaled_logits"]),
            helper.make_node("Softmax", ["scaled_logits"], [OUTPUT], axis=1),
        ]
    )
    del graph.output[:]
    graph.output.append(
        helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", len(EMOTIONS)])
    )
    onnx.checker.check_model(model)
    return model


class _Images(CalibrationDataReader):  # type: ignore[misc]
    """Feeds calibration images to ONNX Runtime's quantizer in equal batches of up to 64 (its
    histogram calibrators need equal shapes; a remainder is left out)."""

    def __init__(self, x: np.ndarray):
        size = min(64, len(x))
        count = len(x) // size
        self.batches = iter(x[: count * size].reshape(count, size, *x.shape[1:]))

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self.batches, None)
        return None if batch is None else {INPUT: batch}


def quantize(model: onnx.ModelProto, calibration: np.ndarray) -> onnx.ModelProto:
    """int8 weights (per output channel) and activations for convolutions and dense layers;
    everything else (the views, log, mean, softmax) stays float."""
    with tempfile.TemporaryDirectory() as tmp:
        source, prepared, quantized = (Path(tmp) / n for n in ("f.onnx", "p.onnx", "q.onnx"))
        onnx.save(model, source)
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(quantized),
            _Images(calibration),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["Conv", "Gemm", "MatMul"],
            nodes_to_exclude=[ROWS, COLUMNS],
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.Percentile,
        )
        return onnx.load(quantized)


def run(model: onnx.ModelProto | Path, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """The model's single output for every row of ``x``."""
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    return run_batched(session, x, batch)


def build(
    members: Sequence[Path],
    val: Path,
    out: Path,
    calibration: Path | None = None,
    flip: bool = True,
    int8: bool = True,
    calibration_images: int = 1024,
    seed: int = 0,
    zooms: Sequence[float] = (),
) -> dict[str, Any]:
    """Combine, quantize, calibrate and verify; returns a report (also written next to
    ``out`` as NAME.metrics.json)."""
    x_val, y_val = load_dataset(val)
    xv = to_model_input(x_val)
    protos = [onnx.load(path) for path in members]
    member_accuracy = {
        path.name: round(float((run(proto, xv).argmax(1) == y_val).mean()), 4)
        for path, proto in zip(members, protos, strict=True)
    }
    model = combine(protos, flip, zooms)
    float_logits = logits = run(model, xv)
    if int8:
        if calibration is None:
            raise ValueError("int8 quantization needs --calibration images (not the val set)")
        x_cal, _ = load_dataset(calibration)
        rng = np.random.default_rng(seed)
        picked = rng.choice(len(x_cal), min(calibration_images, len(x_cal)), replace=False)
        model = quantize(model, to_model_input(x_cal[np.sort(picked)]))
        logits = run(model, xv)
    temperature = fit_temperature(logits, y_val)
    model = with_temperature(model, temperature)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, out)

    probs = run(out, xv)
    deviation = float(np.abs(probs - softmax(logits, temperature)).max())
    if deviation > 1e-4:
        raise RuntimeError(f"the saved ensemble disagrees with its own logits by {deviation:.2e}")
    report = metrics(y_val, probs.argmax(1), EMOTIONS)
    summary = {
        "members": member_accuracy,
        "flip_average": flip,
        "zooms": list(zooms),
        "views": len(view_matrices(zooms, flip)[0]),
        "int8": int8,
        "float_accuracy": round(float((float_logits.argmax(1) == y_val).mean()), 4),
        "int8_float_agreement": round(
            float((float_logits.argmax(1) == logits.argmax(1)).mean()), 4
        ),
        **calibration_report(logits, y_val, temperature),
        "onnx_bytes": out.stat().st_size,
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        **report,
    }
    out.with_suffix(".metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def extract_member(model: onnx.ModelProto, index: int) -> onnx.ModelProto:
    """Member ``index`` of an ensemble as a float32 model of its own (``input`` ->
    ``probabilities``, the member's calibrated output), as ``export`` writes them. Int8 weights
    are dequantized and activation quantization is dropped, so a member whose float file was
    lost can join a new ensemble or seed a training run (its weights keep the int8 rounding).
    """
    graph = model.graph
    stored = {tensor.name: tensor for tensor in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    floats: dict[str, onnx.TensorProto] = {}
    bypass: dict[str, str] = {}  # a DequantizeLinear(QuantizeLinear(x)) output -> x
    kept = []
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in stored:
            floats[node.output[0]] = numpy_helper.from_array(
                _dequantize(node, stored), node.output[0]
            )
        elif node.op_type == "DequantizeLinear":
            bypass[node.output[0]] = producer[node.input[0]].input[0]
        elif node.op_type != "QuantizeLinear":
            kept.append(node)
    for node in kept:
        node.input[:] = [bypass.get(name, name) for name in node.input]
    needed = {name for node in kept for name in node.input}
    float_graph = helper.make_graph(
        kept,
        graph.name,
        list(graph.input),
        list(graph.output),
        [t for t in graph.initializer if t.name in needed]
        + [t for name, t in floats.items() if name in needed],
    )
    feed = VIEWS if any(VIEWS in node.output for node in kept) else INPUT
    whole = helper.make_model(float_graph, opset_imports=model.opset_import)
    member = onnx.utils.Extractor(onnx.shape_inference.infer_shapes(whole)).extract_model(
        [feed], [f"m{index}_{OUTPUT}"]
    )
    renames = {feed: INPUT, f"m{index}_{OUTPUT}": OUTPUT}
    for node in member.graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]
        node.output[:] = [renames.get(name, name) for name in node.output]
    for value in (*member.graph.input, *member.graph.output):
        value.name = renames.get(value.name, value.name)
    member.ir_version = model.ir_version
    onnx.checker.check_model(member)
    return member


def _dequantize(node: onnx.NodeProto, stored: dict[str, onnx.TensorProto]) -> np.ndarray:
    """(q - zero_point) * scale of a quantized initializer, per axis where the scale is."""
    q = numpy_helper.to_array(stored[node.input[0]]).astype(np.float32)
    scale = numpy_helper.to_array(stored[node.input[1]]).astype(np.float32)
    zero = (
        numpy_helper.to_array(stored[node.input[2]]).astype(np.float32)
        if len(node.input) > 2 and node.input[2]
        else np.zeros_like(scale)
    )
    if scale.ndim == 1:
        axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return np.asarray((q - zero) * scale, dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=Path, nargs="+", help="ONNX files from export")
    parser.add_argument("--val", type=Path, help="npz, csv or folder (required to build)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--calibration", type=Path, help="training images for int8 activation ranges"
    )
    parser.add_argument("--no-flip", action="store_true", help="no test-time flip averaging")
    parser.add_argument("--fp32", action="store_true", help="keep float weights (no int8)")
    parser.add_argument(
        "--zoom",
        type=float,
        nargs="*",
        default=[],
        metavar="S",
        help="also classify the face zoomed by each S about its centre (e.g. 1.08 0.92)",
    )
    parser.add_argument(
        "--extract-member",
        type=int,
        metavar="I",
        help="instead of building: write member I (from 0) of the one ensemble given",
    )
    args = parser.parse_args()
    if args.extract_member is not None:
        if len(args.members) != 1:
            parser.error("--extract-member takes exactly one ensemble file")
        onnx.save(extract_member(onnx.load(args.members[0]), args.extract_member), args.out)
        return
    if args.val is None:
        parser.error("building an ensemble needs --val")
    summary = build(
        args.members,
        args.val,
        args.out,
        args.calibration,
        not args.no_flip,
        not args.fp32,
        zooms=args.zoom,
    )
    print(
        json.dumps(
            {k: v for k, v in summary.items() if k not in {"confusion", "per_class"}}, indent=2
        )
    )


if __name__ == "__main__":
    main()
