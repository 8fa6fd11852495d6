"""Landmark geometry: neutral and deformed iBUG-68 landmarks, pose transforms, splines and ellipses."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from gimefive_lib.data.synthetic.action_units import _AU_DISPLACEMENT, _MIRROR, ACTION_UNITS, APEX_LEVELS, AU_NAMES
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity, Pose
from gimefive_lib.labels import EMOTIONS


def _au_levels(emotion: int, intensity: float, au_scale: Mapping[int, float] | None = None) -> dict[int, float]:
    """Activation of every AU (0 for the AUs the emotion does not use); ``au_scale`` scales single AUs (default 1)."""
    active, apex = ACTION_UNITS[EMOTIONS[emotion]], APEX_LEVELS.get(EMOTIONS[emotion], {})
    scale = au_scale or {}
    return {au: (intensity * apex.get(au, 1.0) * scale.get(au, 1.0) if au in active else 0.0) for au in AU_NAMES}


_JAW_COS = np.cos(np.linspace(np.pi, np.pi / 2, 9))
_JAW_SIN = np.sin(np.linspace(np.pi, np.pi / 2, 9))
_BROW_X = np.linspace(-0.07, 0.052, 5)
_BROW_ARCH = np.array([0.012, -0.002, -0.007, -0.005, 0.0])
_LEFT = [*range(8), *range(17, 22), 31, 32, *range(36, 42), 48, 49, 50, 58, 59, 60, 61, 67]


def _neutral_landmarks(idt: FaceIdentity) -> np.ndarray:
    """The identity's 68 landmarks with a neutral expression, face units."""
    ey, es, ew, eo, nl, nw = EYE_Y, idt.eye_spacing, idt.eye_width, idt.eye_open, idt.nose_length, idt.nose_width
    nose_y = ey + nl
    my, mw, lt = nose_y + idt.mouth_gap, idt.mouth_width, idt.lip_thickness
    p = np.empty((68, 2))
    p[:9, 0] = idt.face_width * _JAW_COS
    p[:9, 1] = ey + 0.01 + (my + idt.chin - ey - 0.01) * _JAW_SIN**idt.jaw_shape
    p[17:22, 0] = _BROW_X - es
    p[17:22, 1] = _BROW_ARCH + (ey - idt.brow_height)
    p[27:31] = [(0.0, ey), (0.0, ey + 0.3 * nl), (0.0, ey + 0.62 * nl), (0.0, nose_y)]  # bridge and tip
    p[31:34] = [(-nw, nose_y + 0.002), (-nw / 2, nose_y + 0.01), (0.0, nose_y + 0.014)]  # nostrils
    upper, lower = ey - eo, ey + 0.72 * eo
    p[36:40] = [(-es - ew / 2, ey), (-es - ew / 6, upper), (-es + ew / 6, upper), (-es + ew / 2, ey)]  # upper lid
    p[40:42] = [(-es + ew / 6, lower), (-es - ew / 6, lower)]  # lower lid
    p[48:52] = [(-mw, my + 0.002), (-0.55 * mw, my - 0.85 * lt), (-0.22 * mw, my - 1.05 * lt), (0.0, my - 0.9 * lt)]
    p[57:60] = [(0.0, my + 1.25 * lt), (-0.22 * mw, my + 1.2 * lt), (-0.55 * mw, my + 0.95 * lt)]
    # inner lips; the mouth corners sit a little below the lip line at rest (level corners read as a faint smile)
    p[[60, 61, 62, 66, 67]] = [(-0.88 * mw, my + 0.001), (-0.4 * mw, my), (0.0, my), (0.0, my), (-0.4 * mw, my)]
    p[_MIRROR[_LEFT]] = p[_LEFT] * (-1.0, 1.0)
    return p


def _deformed_landmarks(neutral: np.ndarray, levels: dict[int, float]) -> np.ndarray:
    """Neutral landmarks moved by every active AU, face units."""
    points = neutral.copy()
    for au, level in levels.items():
        if level:
            points += level * _AU_DISPLACEMENT[au]
    return points


def _pose_transform(pose: Pose, size: int) -> np.ndarray:
    """2x3 affine map from face units to output pixel coordinates (pixel centres at integers)."""
    angle = np.deg2rad(pose.angle)
    c, s = np.cos(angle) * pose.scale * size, np.sin(angle) * pose.scale * size
    centre = (size - 1) / 2.0
    return np.array([[c, s, centre + pose.shift_x * size], [-s, c, centre + pose.shift_y * size]])


def _supersampled(transform: np.ndarray, factor: int) -> np.ndarray:
    """The same map onto a ``factor`` times larger canvas that INTER_AREA shrinks back."""
    out = transform * factor
    out[:, 2] += (factor - 1) / 2.0
    return out


@lru_cache(maxsize=16)
def _spline_matrix(k: int) -> np.ndarray:
    """Linear map from ``k`` control points to their Catmull-Rom curve, 4 samples per segment."""
    t = np.linspace(0.0, 1.0, 4, endpoint=False)[:, None]
    basis = 0.5 * np.hstack([-(t**3) + 2 * t**2 - t, 3 * t**3 - 5 * t**2 + 2, -3 * t**3 + 4 * t**2 + t, t**3 - t**2])
    pad = np.zeros((k + 2, k))  # control points with a linearly extrapolated point at each end
    pad[1:-1] = np.eye(k)
    pad[0, :2], pad[-1, -2:] = (2.0, -1.0), (-1.0, 2.0)
    rows = [basis @ pad[s : s + 4] for s in range(k - 1)]
    return np.vstack(rows + [np.eye(k)[-1:]])


def _spline(points: np.ndarray) -> np.ndarray:
    """Catmull-Rom curve through ``points`` (4 samples per segment)."""
    return _spline_matrix(len(points)) @ points


_CIRCLE = np.stack(
    [np.cos(np.linspace(0, 2 * np.pi, 24, endpoint=False)), np.sin(np.linspace(0, 2 * np.pi, 24, endpoint=False))], 1
)


def _ellipse(centre: np.ndarray | tuple, axes: tuple[float, float], angle: float = 0.0) -> np.ndarray:
    """24-point polygon of an ellipse (angle in radians), face units."""
    c, s = np.cos(angle), np.sin(angle)
    return (_CIRCLE * axes) @ np.array([[c, s], [-s, c]]) + centre


def _mid(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Midpoint of two points."""
    return (a + b) / 2.0


