"""Occluders drawn over a face: glasses, a hand or a patch."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.synthetic.drawing import _Canvas
from gimefive_lib.data.synthetic.geometry import _ellipse, _mid
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity

# An occluder shape: polygon or polyline in face units, gray level, stroke width (None = filled).
_Shape = tuple[np.ndarray, float, float | None]


def _glasses(idt: FaceIdentity, lm: np.ndarray, rng: np.random.Generator) -> list[_Shape]:
    """Two rims, a bridge and the temple arms; the lenses stay clear."""
    color = rng.uniform(15.0, 70.0) if rng.random() < 0.7 else rng.uniform(170.0, 235.0)
    axes = (idt.eye_width * rng.uniform(0.75, 0.95), rng.uniform(0.038, 0.05))
    left, right = _mid(lm[36], lm[39]) + (0.0, 0.004), _mid(lm[42], lm[45]) + (0.0, 0.004)
    width = rng.uniform(0.008, 0.014)
    rims = [np.concatenate([_ellipse(c, axes), _ellipse(c, axes)[:1]]) for c in (left, right)]
    bridge = np.array([left + (axes[0], -0.01), _mid(left, right) - (0.0, 0.016), right - (axes[0], 0.01)])
    arms = [
        np.array([c + (s * axes[0], -0.008), (s * idt.face_width, EYE_Y - 0.01)]) for c, s in ((left, -1), (right, 1))
    ]
    return [(points, color, width) for points in rims + [bridge] + arms]


def _hand(idt: FaceIdentity, lm: np.ndarray, rng: np.random.Generator) -> list[_Shape]:
    """A palm on one side of the lower face with four fingers pointing up; never crosses the midline."""
    side = 1.0 if rng.random() < 0.5 else -1.0
    centre = np.array([side * rng.uniform(0.17, 0.26), lm[33, 1] + rng.uniform(0.02, 0.2)])
    color = idt.skin + rng.uniform(-25.0, 25.0)
    tilt = side * rng.uniform(-0.1, 0.3)
    direction = np.array([np.sin(tilt), -np.cos(tilt)])
    length = rng.uniform(0.09, 0.14)
    shapes: list[_Shape] = [(_ellipse(centre, (0.085, 0.1), tilt), color, None)]
    for k in range(4):
        base = centre + (side * (k - 1.5) * 0.03, -0.06)
        finger = np.array([base, base + direction * length * (1.0 - 0.12 * abs(k - 1.2))])
        shapes += [(finger, color * 0.7, 0.038), (finger, color, 0.028)]
    return shapes


def _patch(idt: FaceIdentity, lm: np.ndarray, rng: np.random.Generator) -> list[_Shape]:
    """A flat gray rectangle somewhere on one half of the face."""
    side = 1.0 if rng.random() < 0.5 else -1.0
    half = np.array([rng.uniform(0.06, 0.12), rng.uniform(0.05, 0.1)])
    angle = rng.uniform(-0.5, 0.5)
    extent = half[0] * abs(np.cos(angle)) + half[1] * abs(np.sin(angle))
    centre = np.array([side * max(rng.uniform(0.08, 0.25), extent + 0.015), rng.uniform(EYE_Y - 0.1, lm[57, 1])])
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)]) * half
    c, s = np.cos(angle), np.sin(angle)
    return [(corners @ np.array([[c, s], [-s, c]]) + centre, rng.uniform(0.0, 255.0), None)]


_OCCLUDER_SHAPES = {"glasses": _glasses, "hand": _hand, "patch": _patch}


def _paint(cv: _Canvas, shapes: list[_Shape], mask_value: float | None = None) -> None:
    """Draw shapes in their gray levels, or all in ``mask_value``."""
    for points, color, width in shapes:
        value = color if mask_value is None else mask_value
        if width is None:
            cv.fill([points], value)
        else:
            cv.line([points], value, width)


