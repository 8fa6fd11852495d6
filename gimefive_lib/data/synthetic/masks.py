"""Ground-truth evidence masks and photographic effects (lighting ramps, blur, noise)."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from gimefive_lib.data.synthetic.action_units import _AU_REGION_SPECS, _MIRROR, _REGION_PAD
from gimefive_lib.data.synthetic.drawing import _Canvas


def _region_sets(au: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(landmark index, offset) arrays of an AU's evidence regions, image-left sets mirrored as well.

    Offsets are tiled twice: the hull is taken over the deformed and the neutral landmarks stacked.
    """
    sets = []
    for kind, spec in _AU_REGION_SPECS[au]:
        index = np.array([i for i, _, _ in spec])
        offset = np.tile(np.array([(dx, dy) for _, dx, dy in spec], dtype=np.float64), (2, 1))
        sets.append((index, offset))
        if kind == "L":
            sets.append((_MIRROR[index], offset * (-1.0, 1.0)))
    return sets


_AU_REGION_SETS = {au: _region_sets(au) for au in _AU_REGION_SPECS}


def active_action_units(levels: dict[int, float]) -> list[int]:
    """The AUs a face shows (level above 0): the ones whose regions are evidence."""
    return [au for au, level in levels.items() if level > 0]


def evidence_hulls(aus: list[int], lm: np.ndarray, neutral: np.ndarray) -> list[np.ndarray]:
    """The regions the AUs ``aus`` deform, face units: hulls of their moved and neutral landmarks, padded."""
    return [
        cv2.convexHull((np.concatenate([lm[index], neutral[index]]) + offset).astype(np.float32)).reshape(-1, 2)
        for au in aus
        for index, offset in _AU_REGION_SETS[au]
    ]


def _evidence_mask(aus: list[int], lm: np.ndarray, neutral: np.ndarray, transform: np.ndarray, size: int) -> np.ndarray:
    """Pixels of the regions the AUs ``aus`` deform: padded hulls around their neutral and moved positions."""
    hulls = evidence_hulls(aus, lm, neutral)
    if not hulls:
        return np.zeros((size, size), bool)
    cv = _Canvas(size, transform, 0.0, cv2.LINE_8)
    for hull in hulls:  # one call per hull: fillPoly would cancel out where hulls overlap
        cv.fill([hull], 255.0)
    cv.line(hulls, 255.0, 2 * _REGION_PAD, closed=True)
    return cv.img > 0


@lru_cache(maxsize=8)
def _ramp_grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y coordinates in [-1, 1] over a size x size image (read-only)."""
    axis = np.linspace(-1.0, 1.0, size, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(axis, axis)
    grid_x.flags.writeable = False
    grid_y.flags.writeable = False
    return grid_x, grid_y


def _photometric(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random softness, brightness, a lighting gradient across the face, offset and Gaussian noise."""
    size = image.shape[0]
    out = image.astype(np.float32)
    sigma = rng.uniform(0.0, 0.7) * size / 64.0
    if sigma > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    gain, strength, angle = rng.uniform(0.75, 1.2), rng.uniform(0.0, 0.35), rng.uniform(0.0, 2 * np.pi)
    grid_x, grid_y = _ramp_grid(size)
    out *= gain + (gain * strength * np.cos(angle)) * grid_x + (gain * strength * np.sin(angle)) * grid_y
    offset = rng.uniform(-15.0, 15.0) + 0.5
    out += rng.standard_normal(out.shape, dtype=np.float32) * rng.uniform(1.0, 7.0) + offset
    return np.clip(out, 0, 255, out=out).astype(np.uint8)


