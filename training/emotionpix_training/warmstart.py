"""Continue training from an exported model: rebuild an ExpressionNet from its ONNX file.

The exporter folds each convolution's batch normalisation into the convolution's weight and
bias, so the ONNX file holds no batch-norm layers for the stages. :func:`load_exported`
copies the weights back and rebuilds those layers so that the network computes exactly the
exported function in eval mode and, on training images, very nearly the same in train mode:
each layer's running statistics, scale and shift are set from the mean and spread of its
input measured on sample images (``(x - m) / s * s + m + bias == x + bias``).

A run that starts this way (``train --init MODEL.onnx``) is a second training cycle for a
model whose checkpoints were not kept; a ``.pt`` checkpoint can be given instead.

A run with wider stages than its ``--init`` model starts from that model widened
(:func:`widen`, Net2WiderNet: Chen, Goodfellow & Shlens, 2016): the wider network computes the
same function, then uses its extra channels to learn more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from emotionpix_training.model import ExpressionNet, from_state_dict


def _set(tensor: torch.Tensor | None, value: np.ndarray | float) -> None:
    assert tensor is not None
    if isinstance(value, float):
        tensor.fill_(value)
    else:
        tensor.copy_(torch.from_numpy(np.array(value)))  # a writable copy


def _stages(net: ExpressionNet) -> list[tuple[nn.Conv2d, nn.BatchNorm2d]]:
    modules = [m for m in net.features.modules() if isinstance(m, nn.Conv2d | nn.BatchNorm2d)]
    convs = modules[0::2]
    norms = modules[1::2]
    return list(zip(convs, norms, strict=True))  # type: ignore[arg-type]


def load_exported(path: Path, sample: torch.Tensor) -> ExpressionNet:
    """The network inside an exported ``emotionpix_training.export`` file (without its
    temperature), with batch normalisation rebuilt from ``sample`` ([N, 1, 48, 48] in
    [-1, 1], training images)."""
    model = onnx.load(str(path))
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    matmuls = [n for n in model.graph.node if n.op_type == "MatMul"]
    norms = [n for n in model.graph.node if n.op_type == "BatchNormalization"]
    gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    # The dense layer is MatMul + BatchNormalization as exported, or one Gemm with the batch
    # norm folded in (a member taken out of an ensemble by ensemble.extract_member).
    folded_head = len(gemms) == 2 and not matmuls and not norms
    if len(convs) != 10 or not (folded_head or (len(matmuls), len(norms), len(gemms)) == (1, 1, 1)):
        raise ValueError(f"{path} is not an exported ExpressionNet")

    conv_weights = [weights[n.input[1]] for n in convs]
    widths = (
        conv_weights[1].shape[0],
        conv_weights[3].shape[0],
        conv_weights[6].shape[0],
        conv_weights[9].shape[0],
    )
    net = ExpressionNet(widths)
    dense, head_norm, logits = (cast(Any, net.head[i]) for i in (1, 2, 5))
    with torch.no_grad():
        for (conv, norm), node, weight in zip(_stages(net), convs, conv_weights, strict=True):
            _set(conv.weight, weight)
            _identity_with_bias(norm, weights[node.input[2]])
        if folded_head:
            _set(dense.weight, _gemm_weight(gemms[0], weights))
            _identity_with_bias(head_norm, weights[gemms[0].input[2]])
        else:
            _set(dense.weight, weights[matmuls[0].input[1]].T)
            parameters = (
                head_norm.weight,
                head_norm.bias,
                head_norm.running_mean,
                head_norm.running_var,
            )
            for tensor, name in zip(parameters, norms[0].input[1:5], strict=True):
                _set(tensor, weights[name])
        _set(logits.weight, _gemm_weight(gemms[-1], weights))
        _set(logits.bias, weights[gemms[-1].input[2]])
    restore_batch_norm(net, sample, head=folded_head)
    return net.eval()


def _identity_with_bias(norm: nn.BatchNorm1d | nn.BatchNorm2d, bias: np.ndarray) -> None:
    """A batch norm that adds ``bias`` in eval mode (the folded layer's function)."""
    _set(norm.weight, 1.0)
    _set(norm.bias, bias)
    _set(norm.running_mean, 0.0)
    _set(norm.running_var, 1.0 - norm.eps)


def _gemm_weight(gemm: onnx.NodeProto, weights: dict[str, np.ndarray]) -> np.ndarray:
    """A Gemm's B as a torch Linear weight [out, in]."""
    trans_b = next((a.i for a in gemm.attribute if a.name == "transB"), 0)
    w = weights[gemm.input[1]]
    return w if trans_b else w.T


@torch.no_grad()
def restore_batch_norm(net: ExpressionNet, sample: torch.Tensor, head: bool = False) -> None:
    """Give each stage batch norm (identity plus bias) — and the dense layer's with ``head``
    — the statistics of its input on ``sample``, without changing what the network computes
    in eval mode."""
    net.eval()
    stats: dict[nn.Module, tuple[torch.Tensor, torch.Tensor]] = {}

    def record(module: nn.Module, inputs: tuple[torch.Tensor, ...], _: object) -> None:
        x = inputs[0].double()
        dims = (0, 2, 3) if x.dim() == 4 else (0,)
        stats[module] = (x.mean(dim=dims), x.var(dim=dims))

    norms: list[nn.BatchNorm1d | nn.BatchNorm2d] = [norm for _, norm in _stages(net)]
    if head:
        norms.append(cast(nn.BatchNorm1d, net.head[2]))
    hooks = [norm.register_forward_hook(record) for norm in norms]
    try:
        net(sample)
    finally:
        for hook in hooks:
            hook.remove()
    for norm in norms:
        mean, var = stats[norm]
        scale = torch.sqrt(var + norm.eps)
        _set(norm.running_mean, mean.numpy())
        _set(norm.running_var, var.numpy())
        cast(torch.Tensor, norm.weight).copy_(scale)
        cast(torch.Tensor, norm.bias).add_(mean)


@torch.no_grad()
def widen(net: ExpressionNet, widths: tuple[int, int, int, int]) -> ExpressionNet:
    """``net`` with wider stages computing the same function, in eval and in train mode.

    Each new channel of a convolution copies one of its existing channels (weights and batch
    norm); the layer that reads them gives every copy a random share (0.75 to 1.25 before
    normalising) of the original's outgoing weight, the shares of one original summing to one.
    Unequal shares give the copies different gradients, so they grow apart as training goes
    on instead of staying twins. Uses torch's global random generator (seed it first)."""
    if any(new < old for new, old in zip(widths, net.widths, strict=True)):
        raise ValueError(f"cannot narrow stages {net.widths} to {widths}")
    wide = ExpressionNet(widths)
    shares: tuple[torch.Tensor, torch.Tensor] | None = None  # (source channel, share) per input
    for (conv, norm), (wide_conv, wide_norm) in zip(_stages(net), _stages(wide), strict=True):
        weight = conv.weight
        if shares is not None:
            source, share = shares
            weight = weight[:, source] * share.view(1, -1, 1, 1)
        source = _copied_channels(conv.out_channels, wide_conv.out_channels)
        wide_conv.weight.copy_(weight[source])
        for name in ("weight", "bias", "running_mean", "running_var"):
            cast(torch.Tensor, getattr(wide_norm, name)).copy_(getattr(norm, name)[source])
        shares = source, _shares(source, conv.out_channels)
    assert shares is not None
    source, share = shares
    dense, wide_dense = cast(nn.Linear, net.head[1]), cast(nn.Linear, wide.head[1])
    per_channel = dense.weight.view(dense.out_features, net.widths[3], -1)  # flatten: C, H*W
    wide_dense.weight.copy_((per_channel[:, source] * share.view(1, -1, 1)).flatten(1))
    for i in (2, 5):  # the dense layer's batch norm and the logits layer: unchanged
        wide.head[i].load_state_dict(net.head[i].state_dict())
    return wide.train(net.training)


def _copied_channels(old: int, new: int) -> torch.Tensor:
    """Source channel of each of ``new`` channels: the ``old`` ones, then random copies."""
    return torch.cat([torch.arange(old), torch.randint(old, (new - old,))])


def _shares(source: torch.Tensor, old: int) -> torch.Tensor:
    raw = 0.75 + 0.5 * torch.rand(len(source))
    totals = torch.zeros(old).index_add_(0, source, raw)
    return raw / totals[source]


def init_weights(net: ExpressionNet, source: Path, sample: torch.Tensor) -> None:
    """Load ``source`` (an exported ``.onnx`` or a training checkpoint ``.pt``) into ``net``,
    widened to ``net``'s stages where they are wider; ``sample``: training images for
    :func:`load_exported`."""
    if source.suffix == ".onnx":
        start = load_exported(source, sample)
    else:
        start = from_state_dict(torch.load(source, weights_only=False, map_location="cpu")["ema"])
    if start.widths != net.widths:
        start = widen(start, net.widths)
    net.load_state_dict(start.state_dict())
