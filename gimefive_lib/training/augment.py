"""Per-sample augmentation of whole batches on the device: flip, affine (shift, rotation, scale), erasing."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor


@dataclass(frozen=True)
class AugmentConfig:
    """Augmentation strengths; zero turns a transform off. ``shift`` is a fraction of the image side."""

    flip: bool = True
    rotation: float = 10.0
    shift: float = 0.08
    scale: float = 0.1
    erasing: float = 0.25

    @classmethod
    def paper(cls) -> AugmentConfig:
        """The paper's augmentation: random horizontal flip only."""
        return cls(flip=True, rotation=0.0, shift=0.0, scale=0.0, erasing=0.0)


def _affine_matrices(n: int, cfg: AugmentConfig, generator: torch.Generator, device: torch.device) -> Tensor:
    def uniform(bound: float) -> Tensor:
        return (torch.rand(n, generator=generator, device=device) * 2 - 1) * bound

    angle = uniform(math.radians(cfg.rotation))
    scale = 1.0 + uniform(cfg.scale)
    flip = torch.where(torch.rand(n, generator=generator, device=device) < 0.5, -1.0, 1.0) if cfg.flip else 1.0
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(n, 2, 3, device=device)
    theta[:, 0, 0] = cos * flip
    theta[:, 0, 1] = -sin
    theta[:, 1, 0] = sin * flip
    theta[:, 1, 1] = cos
    theta[:, 0, 2] = uniform(2 * cfg.shift)
    theta[:, 1, 2] = uniform(2 * cfg.shift)
    return theta


def _erase(x: Tensor, probability: float, generator: torch.Generator) -> Tensor:
    n, _, h, w = x.shape
    device = x.device
    area = (0.02 + torch.rand(n, generator=generator, device=device) * 0.18) * h * w
    aspect = torch.exp((torch.rand(n, generator=generator, device=device) * 2 - 1) * math.log(3.0))
    eh = (area * aspect).sqrt().clamp(max=h)
    ew = (area / aspect).sqrt().clamp(max=w)
    y0 = torch.rand(n, generator=generator, device=device) * (h - eh)
    x0 = torch.rand(n, generator=generator, device=device) * (w - ew)
    ys = torch.arange(h, device=device).view(1, h, 1)
    xs = torch.arange(w, device=device).view(1, 1, w)
    inside = (
        (ys >= y0.view(n, 1, 1))
        & (ys < (y0 + eh).view(n, 1, 1))
        & (xs >= x0.view(n, 1, 1))
        & (xs < (x0 + ew).view(n, 1, 1))
    )
    chosen = torch.rand(n, generator=generator, device=device) < probability
    mask = (inside & chosen.view(n, 1, 1)).unsqueeze(1)
    noise = torch.rand(x.shape, generator=generator, device=device)
    return torch.where(mask, noise, x)


def augment_batch(images: Tensor, cfg: AugmentConfig, generator: torch.Generator) -> Tensor:
    """Augment float grayscale faces ``(N, 1, H, W)`` in [0, 1]; each sample gets its own random transform."""
    if cfg.flip or cfg.rotation or cfg.shift or cfg.scale:
        theta = _affine_matrices(images.shape[0], cfg, generator, images.device)
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        images = F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=False)
    if cfg.erasing > 0:
        images = _erase(images, cfg.erasing, generator)
    return images
