"""The network: a plain VGG-style CNN. On this CPU plain 3x3 convolutions are far faster per
second than depthwise/SE blocks, so accuracy per second of training is best with them."""

from __future__ import annotations

import torch
from torch import nn


def conv_block(cin: int, cout: int, convs: int, dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(convs):
        layers += [
            nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        ]
    layers += [nn.MaxPool2d(2), nn.Dropout2d(dropout)]
    return nn.Sequential(*layers)


class ExpressionNet(nn.Module):
    """48x48 grey face in [-1, 1] -> 7 logits. ``widths`` sets the four stages' channels."""

    def __init__(
        self,
        widths: tuple[int, int, int, int] = (48, 96, 192, 384),
        classes: int = 7,
        dropout: float = 0.4,
    ):
        super().__init__()
        self.widths = widths
        w1, w2, w3, w4 = widths
        self.features = nn.Sequential(
            conv_block(1, w1, 2, 0.05),  # 48 -> 24
            conv_block(w1, w2, 2, 0.1),  # 24 -> 12
            conv_block(w2, w3, 3, 0.15),  # 12 -> 6
            conv_block(w3, w4, 3, 0.2),  # 6 -> 3
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(w4 * 9, 512, bias=False),
            nn.BatchNorm1d(512),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(512, classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))  # type: ignore[no-any-return]


def from_state_dict(state: dict[str, torch.Tensor]) -> ExpressionNet:
    """An ExpressionNet holding ``state`` (a checkpoint's weights), its stage widths read from
    the weights' shapes: each stage's first convolution has the stage's width of outputs."""
    w1, w2, w3, w4 = (state[f"features.{i}.0.weight"].shape[0] for i in range(4))
    net = ExpressionNet((w1, w2, w3, w4))
    net.load_state_dict(state)
    return net


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
