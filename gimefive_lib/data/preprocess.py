"""Turn uint8 grayscale faces into model input exactly as in training: 3 channels, ImageNet normalisation."""

from __future__ import annotations

import cv2
import numpy as np
import torch
from torch import Tensor

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
FACE_SIZE = 64


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return a uint8 grayscale copy of an RGB, BGR-free RGB or already grayscale image."""
    if image.ndim == 2:
        return image.astype(np.uint8, copy=False)
    if image.ndim == 3 and image.shape[2] in (3, 4):
        code = cv2.COLOR_RGBA2GRAY if image.shape[2] == 4 else cv2.COLOR_RGB2GRAY
        return cv2.cvtColor(image.astype(np.uint8, copy=False), code)
    raise ValueError(f"expected an image of shape (H, W) or (H, W, 3|4), got {image.shape}")


def resize_face(gray: np.ndarray, size: int = FACE_SIZE) -> np.ndarray:
    """Resize a grayscale face crop to ``size x size`` (area interpolation when shrinking)."""
    interpolation = cv2.INTER_AREA if gray.shape[0] > size else cv2.INTER_LINEAR
    return cv2.resize(gray, (size, size), interpolation=interpolation)


def normalize_batch(images: Tensor) -> Tensor:
    """uint8 ``(N, H, W)`` faces -> float ``(N, 3, H, W)`` ImageNet-normalised model input."""
    x = images.float().div_(255.0).unsqueeze(1).expand(-1, 3, -1, -1)
    mean = torch.tensor(IMAGENET_MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def faces_to_tensor(faces: np.ndarray, device: torch.device | str = "cpu") -> Tensor:
    """Numpy uint8 faces ``(N, H, W)`` (or one ``(H, W)`` face) -> normalised model input on ``device``."""
    faces = np.asarray(faces, dtype=np.uint8)
    if faces.ndim == 2:
        faces = faces[None]
    return normalize_batch(torch.from_numpy(np.ascontiguousarray(faces)).to(device))


def denormalize(x: Tensor) -> np.ndarray:
    """Model input ``(N, 3, H, W)`` -> float images in [0, 1] ``(N, H, W)`` (first channel), for display."""
    std = torch.tensor(IMAGENET_STD, device=x.device).view(1, 3, 1, 1)
    mean = torch.tensor(IMAGENET_MEAN, device=x.device).view(1, 3, 1, 1)
    return (x * std + mean)[:, 0].clamp(0, 1).detach().cpu().numpy()
