"""A float32 canvas drawn on in face units: filled polygons and strokes, then Gaussian softening."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

_SHIFT = 4  # OpenCV fixed-point bits: coordinates in 1/16 pixel


class Layer:
    """A (side, side) float32 map drawn through a face-units-to-pixels affine ``transform``."""

    def __init__(self, side: int, transform: np.ndarray, fill: float = 0.0) -> None:
        self.img = np.full((side, side), fill, np.float32)
        self.blank = True  # nothing drawn yet: softening is a no-op
        self.unit = float(np.hypot(transform[0, 0], transform[0, 1]))  # pixels per face unit
        self._linear = transform[:, :2].T * 16.0
        self._offset = transform[:, 2] * 16.0 + 0.5

    def _fixed(self, shapes: list[np.ndarray] | np.ndarray) -> list[np.ndarray]:
        """Shapes in 1/16-pixel integer coordinates."""
        return [(np.asarray(points) @ self._linear + self._offset).astype(np.int32) for points in shapes]

    def fill(self, shapes: list[np.ndarray] | np.ndarray, value: float) -> Layer:
        """Set the pixels inside the polygons ``shapes`` to ``value``."""
        cv2.fillPoly(self.img, self._fixed(shapes), float(value), cv2.LINE_8, _SHIFT)
        self.blank = False
        return self

    def line(self, shapes: list[np.ndarray] | np.ndarray, value: float, width: float) -> Layer:
        """Stroke the polylines ``shapes``, ``width`` face units wide (at least one pixel)."""
        thickness = max(1, int(round(width * self.unit)))
        cv2.polylines(self.img, self._fixed(shapes), False, float(value), thickness, cv2.LINE_8, _SHIFT)
        self.blank = False
        return self

    def soften(self, sigma: float) -> np.ndarray:
        """The map blurred by ``sigma`` face units (in place), returned.

        A wide blur (over 2.4 px) runs at half resolution and is scaled back up: the same smooth map for a quarter
        of the work.
        """
        pixels = sigma * self.unit
        if self.blank:
            return self.img
        if pixels > _HALF_RES_SIGMA and self.img.shape[0] % 2 == 0:
            side = self.img.shape[0]
            half = cv2.resize(self.img, (side // 2, side // 2), interpolation=cv2.INTER_AREA)
            cv2.GaussianBlur(half, (0, 0), np.sqrt(pixels**2 - 0.25) / 2.0, dst=half)
            cv2.resize(half, (side, side), dst=self.img, interpolation=cv2.INTER_LINEAR)
        elif pixels > 0.3:
            cv2.GaussianBlur(self.img, (0, 0), pixels, dst=self.img)
        return self.img


_HALF_RES_SIGMA = 2.4  # pixels


@lru_cache(maxsize=8)
def _unit_circle(k: int) -> np.ndarray:
    """(k, 2) points of the unit circle (read-only)."""
    t = np.linspace(0.0, 2 * np.pi, k, endpoint=False)
    circle = np.stack([np.cos(t), np.sin(t)], 1)
    circle.flags.writeable = False
    return circle


def ellipse(centre: np.ndarray | tuple, axes: tuple[float, float], angle: float = 0.0, k: int = 20) -> np.ndarray:
    """``k``-point polygon of an ellipse (angle in radians), face units."""
    local = _unit_circle(k) * axes
    if angle:
        c, s = np.cos(angle), np.sin(angle)
        local = local @ np.array([[c, s], [-s, c]])
    return local + np.asarray(centre, dtype=np.float64)


@lru_cache(maxsize=32)
def _upsampler(n: int, side: int) -> np.ndarray:
    """(side, n) matrix of OpenCV's bicubic upsampling along one axis (resize is separable: R @ grid @ R.T)."""
    matrix = cv2.resize(np.eye(n, dtype=np.float32), (n, side), interpolation=cv2.INTER_CUBIC)
    matrix.flags.writeable = False
    return matrix


def value_noise(rng: np.random.Generator, side: int, cells: int, octaves: int = 1) -> np.ndarray:
    """Smooth random field in about [-1, 1]: ``cells`` x ``cells`` random values upsampled bicubically."""
    out = np.zeros((side, side), np.float32)
    for octave in range(octaves):
        n = cells * 2**octave
        grid = rng.standard_normal((n + 2, n + 2)).astype(np.float32)
        upsample = _upsampler(n + 2, side)
        out += (upsample @ grid @ upsample.T) / 2**octave
    return out / 1.5
