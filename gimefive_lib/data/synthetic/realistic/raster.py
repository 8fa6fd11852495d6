"""A float32 canvas drawn on in face units: filled polygons and strokes, then Gaussian softening."""

from __future__ import annotations

import cv2
import numpy as np

_SHIFT = 4  # OpenCV fixed-point bits: coordinates in 1/16 pixel


class Layer:
    """A (side, side) float32 map drawn through a face-units-to-pixels affine ``transform``."""

    def __init__(self, side: int, transform: np.ndarray, fill: float = 0.0) -> None:
        self.img = np.full((side, side), fill, np.float32)
        self.unit = float(np.hypot(transform[0, 0], transform[0, 1]))  # pixels per face unit
        self._linear = transform[:, :2].T * 16.0
        self._offset = transform[:, 2] * 16.0 + 0.5

    def _fixed(self, shapes: list[np.ndarray] | np.ndarray) -> list[np.ndarray]:
        """Shapes in 1/16-pixel integer coordinates."""
        return [(np.asarray(points) @ self._linear + self._offset).astype(np.int32) for points in shapes]

    def fill(self, shapes: list[np.ndarray] | np.ndarray, value: float) -> Layer:
        """Set the pixels inside the polygons ``shapes`` to ``value``."""
        cv2.fillPoly(self.img, self._fixed(shapes), float(value), cv2.LINE_8, _SHIFT)
        return self

    def line(self, shapes: list[np.ndarray] | np.ndarray, value: float, width: float) -> Layer:
        """Stroke the polylines ``shapes``, ``width`` face units wide (at least one pixel)."""
        thickness = max(1, int(round(width * self.unit)))
        cv2.polylines(self.img, self._fixed(shapes), False, float(value), thickness, cv2.LINE_8, _SHIFT)
        return self

    def soften(self, sigma: float) -> np.ndarray:
        """The map blurred by ``sigma`` face units (in place), returned."""
        if sigma * self.unit > 0.3:
            cv2.GaussianBlur(self.img, (0, 0), sigma * self.unit, dst=self.img)
        return self.img


def ellipse(centre: np.ndarray | tuple, axes: tuple[float, float], angle: float = 0.0, k: int = 20) -> np.ndarray:
    """``k``-point polygon of an ellipse (angle in radians), face units."""
    t = np.linspace(0.0, 2 * np.pi, k, endpoint=False)
    c, s = np.cos(angle), np.sin(angle)
    local = np.stack([np.cos(t) * axes[0], np.sin(t) * axes[1]], 1)
    return local @ np.array([[c, s], [-s, c]]) + np.asarray(centre, dtype=np.float64)


def value_noise(rng: np.random.Generator, side: int, cells: int, octaves: int = 1) -> np.ndarray:
    """Smooth random field in about [-1, 1]: ``cells`` x ``cells`` random values upsampled bicubically."""
    out = np.zeros((side, side), np.float32)
    for octave in range(octaves):
        n = cells * 2**octave
        grid = rng.standard_normal((n + 2, n + 2)).astype(np.float32)
        out += cv2.resize(grid, (side, side), interpolation=cv2.INTER_CUBIC) / 2**octave
    return out / 1.5
