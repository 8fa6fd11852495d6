"""Landmark features: coordinates normalised for translation, scale and in-plane rotation; flat or displacements."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.regions import check_layout, eye_indices

SCALES: tuple[str, ...] = ("interocular", "rms")


def eye_centres(points: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the image-left and image-right eyes, each ``(N, 2)``, of ``(N, L, 2)`` landmarks."""
    left, right = eye_indices(layout)
    return points[:, list(left)].mean(axis=1), points[:, list(right)].mean(axis=1)


def normalize_landmarks(points: np.ndarray, layout: str, scale: str = "interocular") -> np.ndarray:
    """Landmarks with the centroid at the origin, the eye line horizontal and unit scale, ``(N, L, 2)`` float32.

    ``scale`` is ``"interocular"`` (distance between the eye centres = 1) or ``"rms"`` (root-mean-square
    distance to the centroid = 1). A single face ``(L, 2)`` is accepted and returned as ``(1, L, 2)``.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 2:
        points = points[None]
    n_points = check_layout(layout)
    if points.ndim != 3 or points.shape[1:] != (n_points, 2):
        raise ValueError(f"expected landmarks of shape (N, {n_points}, 2) for {layout}, got {points.shape}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    centred = points - points.mean(axis=1, keepdims=True)
    left, right = eye_centres(centred, layout)
    eye_line = right - left
    angle = np.arctan2(eye_line[:, 1], eye_line[:, 0])
    cos, sin = np.cos(-angle), np.sin(-angle)
    rotation = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)  # (N, 2, 2)
    upright = np.einsum("nij,nlj->nli", rotation, centred)
    if scale == "interocular":
        size = np.linalg.norm(eye_line, axis=1)
    else:
        size = np.sqrt((upright**2).sum(axis=2).mean(axis=1))
    if np.any(size <= 1e-9):
        raise ValueError(f"{int(np.sum(size <= 1e-9))} faces have degenerate landmarks (zero {scale} scale)")
    return (upright / size[:, None, None]).astype(np.float32)


def flatten(points: np.ndarray, landmarks: np.ndarray | None = None) -> np.ndarray:
    """``(N, L, 2)`` landmarks (optionally only the ``landmarks`` indices) -> ``(N, 2k)`` features x0, y0, x1 ..."""
    points = np.asarray(points, dtype=np.float32)
    if landmarks is not None:
        points = points[:, np.asarray(landmarks)]
    return np.ascontiguousarray(points.reshape(len(points), -1))


def displacements(clip: np.ndarray) -> np.ndarray:
    """Displacement of every frame's (normalised) landmarks from the clip's first, neutral frame, ``(T, L, 2)``."""
    clip = np.asarray(clip, dtype=np.float32)
    if clip.ndim != 3 or len(clip) == 0:
        raise ValueError(f"expected a clip of landmarks (T >= 1, L, 2), got {clip.shape}")
    return clip - clip[:1]
