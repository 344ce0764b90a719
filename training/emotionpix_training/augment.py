"""Batch augmentation on the CPU, all in one affine resampling plus pixel jitter:
random rotation, scale, shift and horizontal flip; brightness and contrast; random erasing."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    rotation_deg: float = 12.0
    scale: float = 0.12  # zoom in/out by up to this fraction
    shift: float = 0.1  # of the image size
    flip: float = 0.5  # probability
    brightness: float = 0.2  # added, in [-1, 1] pixel units
    contrast: float = 0.25  # multiplied around the image mean
    erase: float = 0.4  # probability of one erased rectangle
    erase_area: tuple[float, float] = (0.02, 0.15)


def _uniform(n: int, bound: float, gen: torch.Generator) -> torch.Tensor:
    return (torch.rand(n, generator=gen) * 2 - 1) * bound


def augment(
    x: torch.Tensor, gen: torch.Generator, cfg: AugmentConfig | None = None
) -> torch.Tensor:
    """Augment a batch ``x`` float [B, 1, H, W] in [-1, 1]; returns the same shape and range."""
    cfg = cfg or AugmentConfig()
    b, _, h, w = x.shape
    angle = _uniform(b, math.radians(cfg.rotation_deg), gen)
    scale = 1 + _uniform(b, cfg.scale, gen)
    flip = torch.where(torch.rand(b, generator=gen) < cfg.flip, -1.0, 1.0)
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack(
        [
            torch.stack([cos * flip, -sin, _uniform(b, 2 * cfg.shift, gen)], dim=1),
            torch.stack([sin * flip, cos, _uniform(b, 2 * cfg.shift, gen)], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)

    mean = out.mean(dim=(1, 2, 3), keepdim=True)
    contrast = (1 + _uniform(b, cfg.contrast, gen)).view(b, 1, 1, 1)
    brightness = _uniform(b, cfg.brightness, gen).view(b, 1, 1, 1)
    out = ((out - mean) * contrast + mean + brightness).clamp(-1, 1)

    if cfg.erase > 0:
        area = (
            h
            * w
            * (
                cfg.erase_area[0]
                + torch.rand(b, generator=gen) * (cfg.erase_area[1] - cfg.erase_area[0])
            )
        )
        aspect = torch.exp(_uniform(b, math.log(3), gen))
        eh = (area * aspect).sqrt().clamp(1, h).long()
        ew = (area / aspect).sqrt().clamp(1, w).long()
        top = (torch.rand(b, generator=gen) * (h - eh + 1)).long()
        left = (torch.rand(b, generator=gen) * (w - ew + 1)).long()
        rows = torch.arange(h).view(1, h, 1)
        cols = torch.arange(w).view(1, 1, w)
        mask = (
            (rows >= top.view(b, 1, 1))
            & (rows < (top + eh).view(b, 1, 1))
            & (cols >= left.view(b, 1, 1))
            & (cols < (left + ew).view(b, 1, 1))
        )
        mask &= (torch.rand(b, generator=gen) < cfg.erase).view(b, 1, 1)
        noise = torch.rand(out.shape, generator=gen) * 2 - 1
        out = torch.where(mask.unsqueeze(1), noise, out)
    return out
