"""Batch augmentation on the CPU, all in one affine resampling plus pixel jitter:
random rotation, scale, shift and horizontal flip; brightness and contrast; random erasing."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


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


@dataclass(frozen=True)
class CameraConfig:
    """What real cameras do to a face that FER2013's crops rarely show. Each corruption is
    applied to an image with its own probability (``0`` turns it off)."""

    blur: float = 0.2  # Gaussian blur, sigma 0.4-1.4 px (focus, motion, a small face enlarged)
    blur_sigma: tuple[float, float] = (0.4, 1.4)
    noise: float = 0.2  # Gaussian sensor noise, sigma up to ``noise_sigma`` ([-1, 1] units)
    noise_sigma: float = 0.08
    light: float = 0.3  # low light and gamma: p -> gain * p ** gamma, p in [0, 1]
    gamma: tuple[float, float] = (0.6, 1.8)
    gain: tuple[float, float] = (0.35, 1.0)
    jpeg: float = 0.2  # JPEG artefacts at quality 15-60
    jpeg_quality: tuple[int, int] = (15, 60)


def _between(n: int, bounds: tuple[float, float], gen: torch.Generator) -> torch.Tensor:
    return bounds[0] + torch.rand(n, generator=gen) * (bounds[1] - bounds[0])


def _chosen(n: int, probability: float, gen: torch.Generator) -> torch.Tensor:
    return torch.rand(n, generator=gen) < probability


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Blur every image [B, 1, H, W] with its own ``sigma`` [B] (separable, 7 taps)."""
    b, _, h, w = x.shape
    taps = torch.arange(-3, 4, dtype=x.dtype)
    kernel = torch.exp(-(taps[None] ** 2) / (2 * sigma[:, None] ** 2))
    kernel = kernel / kernel.sum(1, keepdim=True)  # [B, 7]
    flat = F.pad(x.reshape(1, b, h, w), (3, 3, 3, 3), mode="replicate")
    rows = F.conv2d(flat, kernel.view(b, 1, 1, 7), groups=b)
    both = F.conv2d(rows, kernel.view(b, 1, 7, 1), groups=b)
    return both.reshape(b, 1, h, w)


def jpeg_roundtrip(image: torch.Tensor, quality: int) -> torch.Tensor:
    """One [1, H, W] image in [-1, 1] through a grey JPEG at ``quality`` and back."""
    grey = ((image[0] + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    buffer = io.BytesIO()
    Image.fromarray(grey, "L").save(buffer, "JPEG", quality=quality)
    decoded = np.asarray(Image.open(buffer).convert("L"), dtype=np.float32)
    return torch.from_numpy(decoded / 127.5 - 1.0)[None]


def camera(x: torch.Tensor, gen: torch.Generator, cfg: CameraConfig | None = None) -> torch.Tensor:
    """Camera corruptions of a batch [B, 1, H, W] in [-1, 1] (after ``augment``): low light
    and gamma, blur, noise, JPEG artefacts, each with its own probability, in that order (the
    order light reaches a sensor and a picture is saved)."""
    cfg = cfg or CameraConfig()
    b = x.shape[0]
    out = x
    lit = _chosen(b, cfg.light, gen).view(b, 1, 1, 1)
    gamma = _between(b, cfg.gamma, gen).view(b, 1, 1, 1)
    gain = _between(b, cfg.gain, gen).view(b, 1, 1, 1)
    dimmed = gain * ((out + 1) / 2).clamp(0, 1) ** gamma * 2 - 1
    out = torch.where(lit, dimmed, out)
    blurred = _chosen(b, cfg.blur, gen)
    if blurred.any():
        sigma = _between(int(blurred.sum()), cfg.blur_sigma, gen)
        out = out.clone()
        out[blurred] = gaussian_blur(out[blurred], sigma)
    noisy = _chosen(b, cfg.noise, gen).view(b, 1, 1, 1)
    sigma = (torch.rand(b, generator=gen) * cfg.noise_sigma).view(b, 1, 1, 1)
    out = torch.where(noisy, out + torch.randn(out.shape, generator=gen) * sigma, out)
    out = out.clamp(-1, 1)
    low, high = cfg.jpeg_quality
    for i in torch.nonzero(_chosen(b, cfg.jpeg, gen)).flatten().tolist():
        quality = int(torch.randint(low, high + 1, (1,), generator=gen))
        out[i] = jpeg_roundtrip(out[i], quality)
    return out
