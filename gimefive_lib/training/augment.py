"""Per-sample augmentation of whole batches on the device: flip, affine (shift, rotation, scale), photometric
(brightness, contrast, gamma, blur, noise, posterize), erasing."""

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
    # Photometric domain randomisation (all off by default): each face draws its own change.
    brightness: float = 0.0  # add a uniform offset in [-brightness, brightness]
    contrast: float = 0.0  # scale the deviations from the face's mean by exp(uniform(-contrast, contrast))
    gamma: float = 0.0  # raise to the power exp(uniform(-gamma, gamma))
    blur: float = 0.0  # Gaussian blur with a sigma drawn uniformly in [0, blur] pixels
    noise: float = 0.0  # additive Gaussian noise with a standard deviation drawn uniformly in [0, noise]
    posterize: float = 0.0  # probability of quantising a face to 3-16 grey levels

    @property
    def photometric(self) -> bool:
        """Whether any photometric transform is on."""
        return any((self.brightness, self.contrast, self.gamma, self.blur, self.noise, self.posterize))

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


def _gaussian_blur(x: Tensor, sigma: Tensor) -> Tensor:
    """Blur each face of ``(N, 1, H, W)`` with its own sigma ``(N,)`` (0 leaves it unchanged), reflecting borders."""
    n, _, h, w = x.shape
    radius = max(1, math.ceil(3 * float(sigma.max())))
    offsets = torch.arange(-radius, radius + 1, device=x.device, dtype=x.dtype)
    weights = torch.exp(-0.5 * (offsets.view(1, -1) / sigma.clamp(min=1e-3).view(n, 1)) ** 2)
    weights = weights / weights.sum(1, keepdim=True)
    y = F.pad(x.view(1, n, h, w), (radius, radius, radius, radius), mode="reflect")
    y = F.conv2d(y, weights.view(n, 1, 1, -1), groups=n)
    y = F.conv2d(y, weights.view(n, 1, -1, 1), groups=n)
    return y.view(n, 1, h, w)


def photometric_batch(images: Tensor, cfg: AugmentConfig, generator: torch.Generator) -> Tensor:
    """Random per-face brightness, contrast, gamma, blur, noise and posterization of ``(N, 1, H, W)`` faces in
    [0, 1]; the result stays in [0, 1]."""
    n = images.shape[0]
    device = images.device

    def uniform(bound: float) -> Tensor:
        return ((torch.rand(n, generator=generator, device=device) * 2 - 1) * bound).view(n, 1, 1, 1)

    x = images
    if cfg.gamma > 0:
        x = x.clamp(min=0.0, max=1.0).pow(torch.exp(uniform(cfg.gamma)))
    if cfg.contrast > 0:
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - mean) * torch.exp(uniform(cfg.contrast)) + mean
    if cfg.brightness > 0:
        x = x + uniform(cfg.brightness)
    x = x.clamp(0.0, 1.0)
    if cfg.blur > 0:
        sigma = torch.rand(n, generator=generator, device=device) * cfg.blur
        x = _gaussian_blur(x, sigma)
    if cfg.noise > 0:
        std = torch.rand(n, generator=generator, device=device).view(n, 1, 1, 1) * cfg.noise
        x = x + torch.randn(x.shape, generator=generator, device=device) * std
    x = x.clamp(0.0, 1.0)
    if cfg.posterize > 0:
        levels = torch.randint(3, 17, (n,), generator=generator, device=device).view(n, 1, 1, 1).to(x.dtype)
        chosen = (torch.rand(n, generator=generator, device=device) < cfg.posterize).view(n, 1, 1, 1)
        x = torch.where(chosen, torch.round(x * (levels - 1)) / (levels - 1), x)
    return x


def augment_batch(images: Tensor, cfg: AugmentConfig, generator: torch.Generator) -> Tensor:
    """Augment float grayscale faces ``(N, 1, H, W)`` in [0, 1]; each sample gets its own random transform."""
    if cfg.flip or cfg.rotation or cfg.shift or cfg.scale:
        theta = _affine_matrices(images.shape[0], cfg, generator, images.device)
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        images = F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=False)
    if cfg.photometric:
        images = photometric_batch(images, cfg, generator)
    if cfg.erasing > 0:
        images = _erase(images, cfg.erasing, generator)
    return images
