"""Numbers for maps: pointing game, energy-based pointing game, confidence drop, ROAD, and the reference maps."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import torch
from captum.attr import IntegratedGradients
from pytorch_grad_cam.metrics.road import ROADCombined
from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget
from torch import nn

from gimefive_lib.data.preprocess import faces_to_tensor
from gimefive_lib.devices import model_device
from gimefive_lib.explain.cams import Targets, as_face_batch, resolve_targets

ROAD_PERCENTILES: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80, 90)


def _check_pairs(cams: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maps and masks as ``(N, H, W)`` arrays of the same shape."""
    cams, masks = np.asarray(cams, dtype=np.float32), np.asarray(masks, dtype=bool)
    if cams.ndim == 2:
        cams, masks = cams[None], masks[None]
    if cams.shape != masks.shape or cams.ndim != 3:
        raise ValueError(f"maps {cams.shape} and masks {masks.shape} must both be (N, H, W) of the same shape")
    return cams, masks


def pointing_points(cams: np.ndarray) -> np.ndarray:
    """The point each map points at ``(N, 2)`` as (row, col): the centre of its maximal plateau.

    Maps upsampled from a coarse layer are flat around a peak at the image border; the first pixel of the
    plateau would be its corner, so the centre of the pixels within 1e-3 of the maximum is used instead.
    """
    cams = np.asarray(cams, dtype=np.float32)
    if cams.ndim == 2:
        cams = cams[None]
    points = np.zeros((len(cams), 2), dtype=np.float32)
    for i, cam in enumerate(cams):
        rows, cols = np.nonzero(cam >= cam.max() - 1e-3)
        points[i] = rows.mean(), cols.mean()
    return points


def default_tolerance(size: int) -> int:
    """The pointing game's tolerance in pixels: Zhang et al.'s 15 px at 224 px, scaled to the face size (4 at 64)."""
    return int(round(15 * size / 224))


def pointing_game(cams: np.ndarray, masks: np.ndarray, tolerance: int | None = None) -> np.ndarray:
    """Hit (True) when the map's point lies within ``tolerance`` pixels of the evidence mask; one bool per map.

    ``tolerance=None`` uses :func:`default_tolerance`. A constant map points nowhere and counts as a miss.
    """
    cams, masks = _check_pairs(cams, masks)
    if not len(cams):
        return np.zeros(0, dtype=bool)
    tolerance = default_tolerance(cams.shape[1]) if tolerance is None else tolerance
    if tolerance > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * tolerance + 1,) * 2)
        masks = np.stack([cv2.dilate(m.astype(np.uint8), kernel) > 0 for m in masks])
    points = np.rint(pointing_points(cams)).astype(int)
    hits = masks[np.arange(len(masks)), points[:, 0], points[:, 1]]
    return hits & (np.ptp(cams, axis=(1, 2)) > 0)


def energy_pointing_game(cams: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Share of each map's mass inside the evidence mask, in [0, 1] (Score-CAM's energy-based pointing game).

    An all-zero map carries no information and scores like a uniform one: the mask's share of the image.
    """
    cams, masks = _check_pairs(cams, masks)
    cams = np.clip(cams, 0.0, None)
    total = cams.sum(axis=(1, 2))
    inside = (cams * masks).sum(axis=(1, 2))
    uniform = masks.mean(axis=(1, 2))
    return np.where(total > 0, inside / np.maximum(total, 1e-12), uniform).astype(np.float32)


def random_maps(n: int, size: int | tuple[int, int] = 64, seed: int = 0, blur: float = 4.0) -> np.ndarray:
    """``n`` random maps in [0, 1] (smoothed uniform noise): the baseline every method must beat."""
    height, width = (size, size) if isinstance(size, int) else size
    noise = np.random.default_rng(seed).random((n, height, width), dtype=np.float32)
    maps = np.stack([cv2.GaussianBlur(m, (0, 0), blur) for m in noise]) if n and blur > 0 else noise
    low, high = maps.min(axis=(1, 2), keepdims=True), maps.max(axis=(1, 2), keepdims=True)
    return ((maps - low) / np.maximum(high - low, 1e-12)).astype(np.float32)


def centre_maps(n: int, size: int | tuple[int, int] = 64, sigma: float = 0.2) -> np.ndarray:
    """``n`` copies of a Gaussian at the image centre (``sigma`` in fractions of the side): the centre-prior baseline.

    Zhang et al. (2018) report this baseline next to the pointing game: faces are centred, so a map that only
    knows where faces usually are already hits central evidence.
    """
    height, width = (size, size) if isinstance(size, int) else size
    rows, cols = np.mgrid[:height, :width]
    dy, dx = (rows - (height - 1) / 2) / (sigma * height), (cols - (width - 1) / 2) / (sigma * width)
    bump = np.exp(-(dy**2 + dx**2) / 2)
    return np.repeat(bump[None].astype(np.float32), n, axis=0)


def _softmax_targets(classes: Sequence[int]) -> list[ClassifierOutputSoftmaxTarget]:
    return [ClassifierOutputSoftmaxTarget(int(c)) for c in classes]


@torch.no_grad()
def confidence_drop(
    model: nn.Module, images: np.ndarray, cams: np.ndarray, targets: Targets = "predicted"
) -> np.ndarray:
    """Relative drop of the target probability when the face is multiplied by its map (Average Drop; lower = better).

    ``max(0, p - p_masked) / p`` per face, as in Grad-CAM++ (Chattopadhay et al. 2018); the masked face keeps
    the pixels the map points at and fades the rest to the mean gray.
    """
    images = as_face_batch(images)
    classes = resolve_targets(model, images, targets)
    model.eval()
    x = faces_to_tensor(images, model_device(model))
    masked = x * torch.from_numpy(np.asarray(cams, dtype=np.float32)).to(x.device)[:, None]
    index = torch.as_tensor(classes, device=x.device)[:, None]
    before = model(x).softmax(1).gather(1, index)[:, 0]
    after = model(masked).softmax(1).gather(1, index)[:, 0]
    return ((before - after).clamp(min=0) / before.clamp(min=1e-12)).cpu().numpy()


def road_scores(
    model: nn.Module, images: np.ndarray, cams: np.ndarray, targets: Targets = "predicted",
    percentiles: Sequence[int] = ROAD_PERCENTILES, seed: int = 0,
) -> np.ndarray:
    """ROAD (Rong et al. 2022, ``pytorch_grad_cam.metrics.road``): (LeRF - MoRF) / 2 of the target probability.

    Pixels are removed by noisy linear imputation, least relevant first and most relevant first, at each
    percentile; higher = removing what the map marks hurts more than removing the rest.
    """
    images = as_face_batch(images)
    classes = resolve_targets(model, images, targets)
    model.eval()
    torch.manual_seed(seed)
    x = faces_to_tensor(images, model_device(model))
    with torch.no_grad():
        scores = ROADCombined(percentiles=list(percentiles))(x, np.asarray(cams, dtype=np.float32),
                                                             _softmax_targets(classes), model)
    return np.asarray(scores, dtype=np.float32)


def integrated_gradients_maps(
    model: nn.Module, images: np.ndarray, targets: Targets = "predicted", n_steps: int = 32, batch_size: int = 16,
    blur: float = 1.5,
) -> np.ndarray:
    """Captum Integrated Gradients maps ``(N, H, W)`` in [0, 1]: |attribution| summed over channels, lightly smoothed.

    The baseline is the all-zero model input (the mean gray face after ImageNet normalisation).
    """
    images = as_face_batch(images)
    classes = resolve_targets(model, images, targets)
    model.eval()
    ig = IntegratedGradients(model)
    maps = []
    for start in range(0, len(images), batch_size):
        x = faces_to_tensor(images[start : start + batch_size], model_device(model))
        target = torch.as_tensor(classes[start : start + batch_size], device=x.device)
        attribution = ig.attribute(x, target=target, n_steps=n_steps, internal_batch_size=batch_size * 4)
        maps.append(attribution.abs().sum(1).detach().cpu().numpy())
    if not maps:
        return np.zeros((0, *images.shape[1:]), dtype=np.float32)
    maps = np.concatenate(maps).astype(np.float32)
    if blur > 0:
        maps = np.stack([cv2.GaussianBlur(m, (0, 0), blur) for m in maps])
    high = maps.max(axis=(1, 2), keepdims=True)
    return (maps / np.maximum(high, 1e-12)).astype(np.float32)
