"""Synthetic faces whose six emotions are built from FACS action units: the suite's embedded default dataset.

Every face is drawn with OpenCV anti-aliased primitives in *face units* (1.0 = image width, origin at the image
centre, y pointing down). A neutral face comes from a :class:`FaceIdentity`; each action unit (AU) of the emotion
moves the 68 iBUG landmarks by a fixed displacement scaled by the intensity (0 = neutral, 1 = apex) and adds its
surface marks (wrinkles, raised cheeks, teeth); a :class:`Pose` then rotates, shifts and scales the face. Each
sample carries its ground-truth evidence mask (the pixels of the regions its AUs deform) and its landmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES

# --------------------------------------------------------------------------------------------- action units

ACTION_UNITS: dict[str, tuple[int, ...]] = {
    "happiness": (6, 12),
    "surprise": (1, 2, 5, 26),
    "sadness": (1, 4, 15),
    "anger": (4, 5, 7, 23),
    "disgust": (9, 10),
    "fear": (1, 2, 4, 5, 20, 26),
}

AU_NAMES: dict[int, str] = {
    1: "inner brow raiser",
    2: "outer brow raiser",
    4: "brow lowerer",
    5: "upper lid raiser",
    6: "cheek raiser",
    7: "lid tightener",
    9: "nose wrinkler",
    10: "upper lip raiser",
    12: "lip corner puller",
    15: "lip corner depressor",
    20: "lip stretcher",
    23: "lip tightener",
    26: "jaw drop",
}

REGIONS: tuple[str, ...] = ("brows", "eyes", "nose", "mouth", "cheeks")

AU_REGIONS: dict[int, str] = {
    1: "brows",
    2: "brows",
    4: "brows",
    5: "eyes",
    6: "cheeks",
    7: "eyes",
    9: "nose",
    10: "mouth",
    12: "mouth",
    15: "mouth",
    20: "mouth",
    23: "mouth",
    26: "mouth",
}

OCCLUDERS: tuple[str, ...] = ("glasses", "hand", "patch")

# iBUG 68-point index of each point's left/right mirror partner (centre points map to themselves).
_MIRROR = np.array(
    [16 - i for i in range(17)]
    + [26, 25, 24, 23, 22, 21, 20, 19, 18, 17]
    + [27, 28, 29, 30, 35, 34, 33, 32, 31]
    + [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40]
    + [54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55]
    + [64, 63, 62, 61, 60, 67, 66, 65]
)

# Landmark motion of each AU at apex, face units (dx, dy), for the image-left half and the centre line;
# the image-right half is mirrored. Brows 17-21, eye 36-41, nose 27-33, lips 48-51/57-59, inner lips 60-62/66-67.
_AU_MOTION: dict[int, dict[int, tuple[float, float]]] = {
    1: {21: (0.0, -0.045), 20: (0.0, -0.030), 19: (0.0, -0.014), 18: (0.0, -0.005)},
    2: {17: (0.0, -0.036), 18: (0.0, -0.034), 19: (0.0, -0.026), 20: (0.0, -0.012)},
    4: {21: (0.018, 0.026), 20: (0.013, 0.021), 19: (0.008, 0.015), 18: (0.004, 0.009), 17: (0.0, 0.004)},
    5: {37: (0.0, -0.017), 38: (0.0, -0.017)},
    6: {40: (0.0, -0.008), 41: (0.0, -0.008), 36: (0.0, -0.002)},
    7: {40: (0.0, -0.008), 41: (0.0, -0.008), 37: (0.0, 0.003), 38: (0.0, 0.003)},
    9: {
        28: (0.0, -0.004),
        29: (0.0, -0.006),
        30: (0.0, -0.008),
        31: (0.004, -0.014),
        32: (0.002, -0.012),
        33: (0.0, -0.010),
    },
    10: {
        48: (0.0, -0.004),
        49: (0.0, -0.016),
        50: (0.0, -0.022),
        51: (0.0, -0.022),
        60: (0.0, -0.004),
        61: (0.0, -0.022),
        62: (0.0, -0.024),
    },
    12: {
        48: (-0.018, -0.032),
        60: (-0.014, -0.028),
        49: (-0.006, -0.013),
        59: (-0.006, -0.013),
        61: (-0.003, -0.009),
        67: (-0.003, -0.009),
        50: (0.0, -0.003),
        58: (0.0, -0.003),
    },
    15: {
        48: (0.004, 0.028),
        60: (0.004, 0.024),
        49: (0.0, 0.009),
        59: (0.0, 0.011),
        61: (0.0, 0.007),
        67: (0.0, 0.007),
        50: (0.0, 0.002),
        58: (0.0, 0.004),
    },
    20: {
        48: (-0.032, 0.006),
        60: (-0.028, 0.004),
        49: (-0.017, 0.004),
        59: (-0.017, -0.002),
        50: (-0.006, 0.004),
        58: (-0.006, -0.004),
        51: (0.0, 0.004),
        57: (0.0, -0.004),
        61: (-0.013, 0.0),
        67: (-0.013, 0.0),
    },
    23: {
        48: (0.008, 0.0),
        60: (0.006, 0.0),
        49: (0.004, 0.012),
        50: (0.0, 0.012),
        51: (0.0, 0.012),
        59: (0.004, -0.014),
        58: (0.0, -0.014),
        57: (0.0, -0.014),
        61: (0.003, 0.0),
        67: (0.003, 0.0),
    },
    26: {
        5: (0.0, 0.01),
        6: (0.0, 0.026),
        7: (0.0, 0.038),
        8: (0.0, 0.042),
        48: (0.01, 0.012),
        60: (0.01, 0.012),
        59: (0.004, 0.045),
        58: (0.0, 0.058),
        57: (0.0, 0.06),
        67: (0.004, 0.05),
        66: (0.0, 0.06),
    },
}

# Evidence region of each AU: point sets (landmark, dx, dy) whose padded convex hull, taken over the neutral and the
# deformed landmarks, is the AU's mask. "L" sets are given for the image-left half and mirrored, "C" sets span the
# centre line.
_Spec = tuple[tuple[int, float, float], ...]
_LIPS: _Spec = tuple((i, 0.0, 0.0) for i in range(48, 68))
_AU_REGION_SPECS: dict[int, tuple[tuple[str, _Spec], ...]] = {
    1: (("C", tuple((i, 0.0, dy) for i in range(18, 26) for dy in (0.02, -0.085))),),
    2: (("L", tuple((i, 0.0, dy) for i in range(17, 21) for dy in (0.02, -0.08)) + ((17, -0.015, 0.0),)),),
    4: (("C", tuple((i, 0.0, dy) for i in range(17, 27) for dy in (0.022, -0.03)) + ((27, 0.0, 0.012),)),),
    5: (
        (
            "L",
            (
                (36, -0.008, 0.0),
                (37, 0.0, -0.028),
                (38, 0.0, -0.028),
                (39, 0.008, 0.0),
                (40, 0.0, 0.004),
                (41, 0.0, 0.004),
            ),
        ),
    ),
    6: (
        (
            "L",
            (
                (36, -0.05, -0.018),
                (36, -0.05, 0.11),
                (39, 0.0, 0.0),
                (40, 0.0, 0.0),
                (41, 0.0, 0.0),
                (31, -0.01, 0.0),
                (48, -0.015, 0.0),
            ),
        ),
    ),
    7: (
        (
            "L",
            (
                (36, -0.008, 0.0),
                (37, 0.0, -0.028),
                (38, 0.0, -0.028),
                (39, 0.008, 0.0),
                (40, 0.0, 0.024),
                (41, 0.0, 0.024),
            ),
        ),
    ),
    9: (
        (
            "C",
            tuple((i, 0.0, 0.0) for i in range(27, 36))
            + ((27, -0.045, 0.0), (27, 0.045, 0.0), (28, -0.045, 0.0), (28, 0.045, 0.0)),
        ),
    ),
    10: (
        (
            "C",
            tuple((i, 0.0, 0.0) for i in range(31, 36))
            + tuple((i, 0.0, 0.0) for i in range(48, 55))
            + ((31, -0.03, 0.0), (35, 0.03, 0.0), (48, -0.02, -0.01), (54, 0.02, -0.01)),
        ),
    ),
    12: (("C", _LIPS + ((48, -0.025, -0.012), (54, 0.025, -0.012))),),
    15: (("C", _LIPS + ((48, -0.01, 0.02), (54, 0.01, 0.02))),),
    20: (("C", _LIPS + ((48, -0.02, 0.0), (54, 0.02, 0.0))),),
    23: (("C", _LIPS),),
    26: (("C", _LIPS + tuple((i, 0.0, 0.0) for i in range(5, 12))),),
}
_REGION_PAD = 0.015  # face units added around every evidence hull


def _motion_table(motion: dict[int, tuple[float, float]]) -> np.ndarray:
    """(68, 2) displacement of one AU from its half-face motion spec."""
    table = np.zeros((68, 2))
    for index, (dx, dy) in motion.items():
        table[index] = dx, dy
        table[_MIRROR[index]] = -dx, dy
    return table


_AU_DISPLACEMENT: dict[int, np.ndarray] = {au: _motion_table(motion) for au, motion in _AU_MOTION.items()}

AU_LANDMARKS: dict[int, tuple[int, ...]] = {
    au: tuple(int(i) for i in np.flatnonzero(np.abs(table).sum(axis=1))) for au, table in _AU_DISPLACEMENT.items()
}


def evidence_landmarks(emotion: int) -> tuple[int, ...]:
    """Sorted landmark indices moved by the action units of an emotion id."""
    return tuple(sorted({i for au in ACTION_UNITS[EMOTIONS[emotion]] for i in AU_LANDMARKS[au]}))


# ------------------------------------------------------------------------------------------------ identity

EYE_Y = -0.09  # eye line in face units


@dataclass(frozen=True)
class FaceIdentity:
    """Who is drawn: geometry in face units (1.0 = image width), tones in gray levels, hair style 0-3."""

    face_width: float = 0.33  # half-width of the face
    jaw_shape: float = 1.0  # < 1 square jaw, > 1 pointed chin
    forehead: float = 0.36  # top of the head above the eye line
    chin: float = 0.15  # chin below the mouth line
    eye_spacing: float = 0.145  # half distance between the eye centres
    eye_width: float = 0.095
    eye_open: float = 0.017  # upper lid above the eye line
    brow_height: float = 0.075  # brow above the eye line
    brow_thickness: float = 0.02
    nose_length: float = 0.125  # eye line to nose tip
    nose_width: float = 0.042  # half-width of the nostrils
    mouth_gap: float = 0.085  # nose tip to mouth line
    mouth_width: float = 0.11  # half-width of the mouth
    lip_thickness: float = 0.024
    skin: float = 165.0
    lip_tone: float = 0.72  # lip gray level relative to the skin
    hair: float = 50.0
    hair_style: int = 0  # 0 short, 1 long, 2 fringe, 3 shaved
    hairline: float = 0.22  # hairline above the eye line
    hair_volume: float = 1.08
    iris: float = 60.0
    background: float = 110.0
    clothing: float = 70.0


@dataclass(frozen=True)
class Pose:
    """In-plane head pose: rotation in degrees (counter-clockwise), shift in image fractions, scale."""

    angle: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0
    scale: float = 1.0


@dataclass
class RenderedFace:
    """One drawn face: ``image`` (H, W) uint8, evidence ``mask`` and ``occluder`` (H, W) bool, ``landmarks`` (68, 2)."""

    image: np.ndarray
    mask: np.ndarray
    landmarks: np.ndarray
    occluder: np.ndarray


# Uniform ranges of the continuous identity parameters (hair tone, hair style and background are drawn apart).
_IDENTITY_RANGES: dict[str, tuple[float, float]] = {
    "face_width": (0.29, 0.36),
    "jaw_shape": (0.7, 1.4),
    "forehead": (0.34, 0.39),
    "chin": (0.12, 0.16),
    "eye_spacing": (0.13, 0.16),
    "eye_width": (0.085, 0.105),
    "eye_open": (0.014, 0.02),
    "brow_height": (0.065, 0.085),
    "brow_thickness": (0.013, 0.03),
    "nose_length": (0.11, 0.14),
    "nose_width": (0.035, 0.05),
    "mouth_gap": (0.075, 0.095),
    "mouth_width": (0.095, 0.13),
    "lip_thickness": (0.018, 0.03),
    "skin": (85.0, 215.0),
    "lip_tone": (0.6, 0.82),
    "hairline": (0.2, 0.26),
    "hair_volume": (1.03, 1.14),
    "iris": (20.0, 120.0),
    "clothing": (10.0, 245.0),
}
_IDENTITY_LOW, _IDENTITY_HIGH = np.array(list(_IDENTITY_RANGES.values())).T


def random_identity(rng: np.random.Generator) -> FaceIdentity:
    """Draw a random person: face shape, feature geometry and spacing, skin and hair tones, hair style."""
    values = dict(zip(_IDENTITY_RANGES, rng.uniform(_IDENTITY_LOW, _IDENTITY_HIGH).tolist(), strict=True))
    hair = rng.uniform(15.0, 80.0) if rng.random() < 0.7 else rng.uniform(120.0, 215.0)  # dark or fair/grey
    background = (values["skin"] + rng.uniform(35.0, 220.0)) % 255.0  # never within 35 levels of the skin
    return FaceIdentity(**values, hair=hair, hair_style=int(rng.integers(4)), background=background)


def random_pose(rng: np.random.Generator) -> Pose:
    """Draw a small in-plane pose jitter: rotation within 10 degrees, shift within 3.5 %, scale 0.9-1.06."""
    angle = float(np.clip(rng.normal(0.0, 5.0), -10.0, 10.0))
    return Pose(angle, rng.uniform(-0.035, 0.035), rng.uniform(-0.035, 0.035), rng.uniform(0.9, 1.06))


# ------------------------------------------------------------------------------------------------ geometry


def _au_levels(emotion: int, intensity: float) -> dict[int, float]:
    """Activation of every AU (0 for the AUs the emotion does not use)."""
    active = ACTION_UNITS[EMOTIONS[emotion]]
    return {au: (intensity if au in active else 0.0) for au in AU_NAMES}


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
    p[48:52] = [(-mw, my), (-0.55 * mw, my - 0.85 * lt), (-0.22 * mw, my - 1.05 * lt), (0.0, my - 0.9 * lt)]
    p[57:60] = [(0.0, my + 1.25 * lt), (-0.22 * mw, my + 1.2 * lt), (-0.55 * mw, my + 0.95 * lt)]
    p[[60, 61, 62, 66, 67]] = [(-0.88 * mw, my), (-0.4 * mw, my), (0.0, my), (0.0, my), (-0.4 * mw, my)]  # inner lips
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


# ------------------------------------------------------------------------------------------------- drawing


class _Canvas:
    """A uint8 image drawn on in face units through an affine transform, at 1/16 pixel (anti-aliased by default).

    Gray levels outside [0, 255] saturate, as OpenCV does for every drawing colour.
    """

    def __init__(self, side: int, transform: np.ndarray, fill: float, line_type: int = cv2.LINE_AA) -> None:
        self.img = np.full((side, side), int(round(fill)), np.uint8)
        self.line_type = line_type
        self.unit = float(np.hypot(transform[0, 0], transform[0, 1]))  # pixels per face unit
        self._linear = transform[:, :2].T * 16.0
        self._offset = transform[:, 2] * 16.0 + 0.5

    def _fixed(self, shapes: list[np.ndarray] | np.ndarray) -> list[np.ndarray] | np.ndarray:
        """Shapes in 1/16 pixel integer coordinates (one transform for a stacked array)."""
        if isinstance(shapes, np.ndarray):
            return (shapes @ self._linear + self._offset).astype(np.int32)
        return [(points @ self._linear + self._offset).astype(np.int32) for points in shapes]

    def fill(self, shapes: list[np.ndarray] | np.ndarray, color: float) -> None:
        """Fill the polygons ``shapes``."""
        cv2.fillPoly(self.img, self._fixed(shapes), float(color), self.line_type, 4)

    def line(self, shapes: list[np.ndarray] | np.ndarray, color: float, width: float, closed: bool = False) -> None:
        """Stroke the polylines ``shapes`` ``width`` face units wide (at least one pixel)."""
        thickness = max(1, int(width * self.unit + 0.5))
        cv2.polylines(self.img, self._fixed(shapes), closed, float(color), thickness, self.line_type, 4)

    def blur(self, sigma: float) -> None:
        """Gaussian blur of ``sigma`` face units, for soft shading."""
        cv2.GaussianBlur(self.img, (0, 0), sigma * self.unit, dst=self.img)


def _tones(idt: FaceIdentity) -> dict[str, float]:
    """Gray levels of the facial features, derived from skin and hair."""
    skin = idt.skin
    sclera = min(242.0, 175.0 + 0.3 * skin)
    return {
        "skin": skin,
        "shade": skin * 0.86,
        "brow": 0.6 * min(idt.hair, skin * 0.6) + 0.14 * skin,
        "lash": skin * 0.3,
        "lip": skin * idt.lip_tone,
        "sclera": sclera,
        "iris": min(idt.iris, sclera - 70.0),
        "dark": skin * 0.22,
        "teeth": sclera * 0.93,
        "hair": idt.hair,
    }


_ARC = np.stack([np.cos(np.linspace(0.0, np.pi, 15)), -np.sin(np.linspace(0.0, np.pi, 15))], 1)[1:-1]
_CAP_ARC = np.stack([np.cos(np.linspace(-0.12, np.pi + 0.12, 19)), -np.sin(np.linspace(-0.12, np.pi + 0.12, 19))], 1)
_HAIRLINE_X = np.linspace(-0.98, 0.98, 13)
_BROW_PROFILE = np.linspace(0.6, 1.1, 17)[:, None] * (0.0, 0.5)
_CLOTHING = _ellipse((0.0, 0.64), (0.5, 0.22))


def _head_outline(idt: FaceIdentity, lm: np.ndarray, grow: float = 1.0) -> np.ndarray:
    """Jaw landmarks closed by the forehead arc (scaled by ``grow`` about the eye line)."""
    top = np.array([0.0, EYE_Y + 0.01])
    outline = np.concatenate([lm[:17], _ARC * (idt.face_width, idt.forehead) + top])
    return (outline - top) * grow + top


def _hair_cap(idt: FaceIdentity) -> np.ndarray:
    """Hair over the top of the head down to the style's hairline."""
    outer = _CAP_ARC * (idt.face_width, idt.forehead + 0.01) * idt.hair_volume + (0.0, EYE_Y + 0.01)
    x = _HAIRLINE_X * idt.face_width
    hairline = idt.hairline + (0.06 if idt.hair_style == 3 else 0.0)
    y = EYE_Y - hairline + (hairline - 0.02) * _HAIRLINE_X**4
    if idt.hair_style == 2:  # a fringe swept to one side, kept above the forehead wrinkles
        y = np.minimum(y + 0.06 * np.exp(-(((x + 0.08) / 0.1) ** 2)), EYE_Y - 0.18)
    return np.concatenate([outer, np.stack([x, y], 1)])


def _draw_base(cv: _Canvas, idt: FaceIdentity, lm: np.ndarray, level6: float, tone: dict) -> None:
    """Back hair, clothing, neck, ears, head, cheeks and hair cap, softly blurred."""
    fw, skin = idt.face_width, tone["skin"]
    cap = _hair_cap(idt)
    if idt.hair_style == 1:
        cv.fill([np.concatenate([cap[:19] * (1.12, 1.0), [(-fw * 1.3, 0.45), (fw * 1.3, 0.45)]])], tone["hair"])
    cv.fill([_CLOTHING], idt.clothing)
    cv.fill([np.array([(-0.55 * fw, 0.1), (0.55 * fw, 0.1), (0.62 * fw, 0.6), (-0.62 * fw, 0.6)])], skin * 0.8)
    if idt.hair_style != 1:
        cv.fill([_ellipse((side * fw, EYE_Y + 0.06), (0.035, 0.065)) for side in (-1.0, 1.0)], skin * 0.9)
    cv.fill([_head_outline(idt, lm)], tone["shade"])
    cv.fill([_head_outline(idt, lm, 0.86)], skin)
    if level6 > 0.0:  # AU6: cheek apples raised and lit under the eyes
        centres = [_mid(lm[a], lm[b]) + (0.0, 0.1 - 0.035 * level6) for a, b in ((36, 39), (45, 42))]
        for k, axes in enumerate(((0.058, 0.04), (0.042, 0.028))):
            cv.fill([_ellipse(c, axes) for c in centres], skin + (255.0 - skin) * (0.12 + 0.1 * k) * level6)
    cv.fill([cap], 0.5 * (skin + tone["hair"]) if idt.hair_style == 3 else tone["hair"])
    cv.blur(0.012)


def _both_sides(offsets: list | tuple) -> np.ndarray:
    """Offsets given for the image-left side stacked with their mirror image, shape (2, ...)."""
    left = np.asarray(offsets, dtype=np.float64)
    return np.stack([left, left * (-1.0, 1.0)])


_EYE_UPPER = np.array([[36, 37, 38, 39], [42, 43, 44, 45]])
_EYE_LOWER = np.array([[39, 40, 41, 36], [45, 46, 47, 42]])
_BROWS = np.array([[17, 18, 19, 20, 21], [26, 25, 24, 23, 22]])
_LIP_CURVES = np.array(
    [
        [48, 49, 50, 51, 52, 53, 54],
        [54, 55, 56, 57, 58, 59, 48],
        [48, 60, 61, 62, 63, 64, 54],
        [48, 60, 67, 66, 65, 64, 54],
    ]
)
_CROWS_FEET = _both_sides([[(-0.012, 0.0), (-0.042, dy)] for dy in (-0.014, 0.002, 0.018)])
_WRINKLES = {  # forehead wrinkles relative to (0, top of the brows): AU1 centre, AU2 both sides
    au: np.array(
        [
            np.stack([x, -dy + 0.035 * np.abs(x)], 1)
            for x0, x1 in spans
            for dy in (0.03, 0.055)
            for x in [x0 + np.linspace(0.0, 1.0, 7) * (x1 - x0)]
        ]
    )
    for au, spans in ((1, ((-0.08, 0.08),)), (2, ((-0.17, -0.07), (0.07, 0.17))))
}
_FURROWS = _both_sides([(-0.014, -0.028), (-0.011, 0.008)])
_NOSE_SHADE = _both_sides([(-0.022, 0.02), (-0.004, -0.035)])
_NOSE_WING = _both_sides([(0.006, 0.006), (-0.004, -0.004), (0.0, -0.022)])
_NOSTRILS = np.stack([_ellipse((side * 0.004, -0.003), (0.011, 0.005), -side * 0.35) for side in (-1.0, 1.0)])
_NOSE_WRINKLE = _spline(np.array([(-0.022, 0.003), (0.0, 0.0), (0.022, 0.003)]))
_BUNNY_LINES = _both_sides([(-0.018, 0.01), (-0.045, -0.01)])
_FOLD = _both_sides([(-0.012, -0.008), (-0.018, 0.0), (-0.018, 0.012)])  # wing start, bulge, end at the corner


def _draw_eyes(cv: _Canvas, lm: np.ndarray, levels: dict[int, float], tone: dict, eye_width: float) -> None:
    """Sclera, iris and pupil clipped by the lids, lid lines and crease; AU6/AU7 lower-lid furrow."""
    uppers, lowers = _spline_matrix(4) @ lm[_EYE_UPPER], _spline_matrix(4) @ lm[_EYE_LOWER]
    openings = np.concatenate([uppers, lowers[:, 1:-1]], axis=1).astype(np.float32)
    cv.fill(openings, tone["sclera"])
    centres = (lm[[36, 42]] + lm[[39, 45]]) / 2.0 + (0.0, 0.002)
    for radius, color in ((0.22 * eye_width, tone["iris"]), (0.09 * eye_width, tone["dark"])):
        discs = (_CIRCLE * radius + centres[:, None]).astype(np.float32)
        clipped = [cv2.intersectConvexConvex(disc, opening) for disc, opening in zip(discs, openings, strict=True)]
        cv.fill([poly.reshape(-1, 2) for area, poly in clipped if area > 0 and poly is not None], color)
    cv.line(uppers, tone["lash"], 0.008)
    cv.line(lowers, tone["skin"] * 0.62, 0.004)
    cv.line(uppers[:, 2:-2] - (0.0, 0.013), tone["skin"] * 0.8, 0.004)
    squint = max(levels[6], levels[7])
    if squint > 0.0:
        cv.line(lowers[:, 1:-1] + (0.0, 0.016), tone["skin"] * (1.0 - 0.3 * squint), 0.005)


def _draw_crows_feet(cv: _Canvas, lm: np.ndarray, level: float, skin: float) -> None:
    """AU6: fine lines fanning out of the outer eye corners."""
    if level > 0.0:
        cv.line((lm[[36, 45], None, None] + _CROWS_FEET).reshape(-1, 2, 2), skin * (1.0 - 0.35 * level), 0.004)


def _draw_brows(cv: _Canvas, lm: np.ndarray, thickness: float, color: float) -> None:
    """Two brows, thicker at the inner end."""
    profile = _BROW_PROFILE * thickness
    centres = _spline_matrix(5) @ lm[_BROWS]
    cv.fill(np.concatenate([centres - profile, (centres + profile)[:, ::-1]], axis=1), color)


def _draw_forehead(cv: _Canvas, lm: np.ndarray, levels: dict[int, float], skin: float) -> None:
    """AU1/AU2 horizontal forehead wrinkles, AU4 vertical furrows between the brows."""
    top = (0.0, lm[17:27, 1].min())
    for au in (1, 2):
        if levels[au] > 0.0:
            cv.line(_WRINKLES[au] + top, skin * (1.0 - 0.3 * levels[au]), 0.005)
    if levels[4] > 0.0:
        cv.line(_FURROWS + (0.0, max(lm[21, 1], lm[22, 1])), skin * (1.0 - 0.35 * levels[4]), 0.006)


def _draw_nose(cv: _Canvas, lm: np.ndarray, level9: float, tone: dict) -> None:
    """Nose shading, wings and nostrils; AU9 wrinkles across and beside the bridge."""
    skin, wings = tone["skin"], lm[[31, 35], None]
    cv.line(np.concatenate([lm[27] + _NOSE_SHADE[:, :1], wings + _NOSE_SHADE[:, 1:]], axis=1), skin * 0.9, 0.01)
    cv.line(_spline_matrix(3) @ (wings + _NOSE_WING), skin * 0.72, 0.006)
    cv.fill(lm[[32, 34], None] + _NOSTRILS, tone["dark"])
    if level9 > 0.0:
        step = (lm[28, 1] - lm[27, 1]) / 2.5
        rows = lm[27, 1] + 0.008 + step * np.arange(3)
        lines = list(_NOSE_WRINKLE + np.stack([np.zeros(3), rows], 1)[:, None]) + list(_BUNNY_LINES + (0.0, lm[28, 1]))
        cv.line(lines, skin * (1.0 - 0.4 * level9), 0.005)


def _draw_folds(cv: _Canvas, lm: np.ndarray, neutral: np.ndarray, levels: dict[int, float], skin: float) -> None:
    """Nasolabial folds from the nose wings towards the (neutral) mouth corners, deepened by AU6 and AU10."""
    start = lm[[31, 35]] + _FOLD[:, 0]
    end = neutral[[48, 54]] + _FOLD[:, 2] - (0.0, 0.03 * levels[6])
    control = np.stack([start, (start + end) / 2.0 + _FOLD[:, 1], end], axis=1)
    cv.line(_spline_matrix(3) @ control, skin * (1.0 - 0.06 - 0.3 * max(levels[6], 0.8 * levels[10])), 0.006)


def _draw_mouth(cv: _Canvas, lm: np.ndarray, tone: dict) -> None:
    """Mouth interior and upper teeth where the lips part, then both lips and the lip line."""
    outer_upper, outer_lower, inner_upper, inner_lower = _spline_matrix(7) @ lm[_LIP_CURVES]
    gap = inner_lower[:, 1] - inner_upper[:, 1]
    if gap.max() > 0.002:
        cv.fill([np.concatenate([inner_upper, inner_lower[::-1]])], tone["dark"])
        teeth = inner_upper[2:-2] + np.stack([np.zeros(len(gap) - 4), np.clip(gap[2:-2], 0.0, 0.02)], 1)
        cv.fill([np.concatenate([inner_upper[2:-2], teeth[::-1]])], tone["teeth"])
    cv.fill([np.concatenate([outer_upper, inner_upper[::-1]])], tone["lip"] * 0.92)
    cv.fill([np.concatenate([outer_lower, inner_lower])], tone["lip"])
    cv.line([inner_upper], tone["dark"] * 1.3, 0.006)


def _draw_face(cv: _Canvas, idt: FaceIdentity, lm: np.ndarray, neutral: np.ndarray, levels: dict[int, float]) -> None:
    """Everything but occluders, back to front."""
    tone = _tones(idt)
    _draw_base(cv, idt, lm, levels[6], tone)
    _draw_forehead(cv, lm, levels, tone["skin"])
    _draw_folds(cv, lm, neutral, levels, tone["skin"])
    _draw_crows_feet(cv, lm, levels[6], tone["skin"])
    _draw_eyes(cv, lm, levels, tone, idt.eye_width)
    _draw_brows(cv, lm, idt.brow_thickness, tone["brow"])
    _draw_nose(cv, lm, levels[9], tone)
    _draw_mouth(cv, lm, tone)


# ----------------------------------------------------------------------------------------------- occluders

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


# ---------------------------------------------------------------------------------------- masks and photos


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


def _evidence_mask(emotion: int, lm: np.ndarray, neutral: np.ndarray, transform: np.ndarray, size: int) -> np.ndarray:
    """Pixels of the regions the emotion's AUs deform: padded hulls around their neutral and moved positions."""
    hulls = [
        cv2.convexHull((np.concatenate([lm[index], neutral[index]]) + offset).astype(np.float32)).reshape(-1, 2)
        for au in ACTION_UNITS[EMOTIONS[emotion]]
        for index, offset in _AU_REGION_SETS[au]
    ]
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


# --------------------------------------------------------------------------------------------- public API

SUPERSAMPLE = 2  # faces are drawn at twice the output size, then area-averaged down
DEFAULT_INTENSITY = (0.6, 1.0)
DEFAULT_OCCLUSION = 0.15


def render_face(
    identity: FaceIdentity,
    emotion: int,
    intensity: float,
    size: int = 64,
    rng: np.random.Generator | None = None,
    pose: Pose | None = None,
    occluder: str = "none",
) -> RenderedFace:
    """Draw one face showing ``emotion`` (GiMeFive id) at ``intensity`` (0 neutral .. 1 apex).

    ``rng`` adds random softness, lighting gradient and noise (None = a clean render); ``pose`` defaults to
    upright and centred; ``occluder`` is ``"none"`` or one of :data:`OCCLUDERS`. The evidence mask is empty at
    intensity 0; landmarks are (x, y) output pixel coordinates with pixel centres at integers.
    """
    if not 0 <= emotion < NUM_CLASSES:
        raise ValueError(f"emotion must be a GiMeFive id 0..{NUM_CLASSES - 1}, got {emotion}")
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity must be in [0, 1], got {intensity}")
    if occluder != "none" and occluder not in OCCLUDERS:
        raise ValueError(f"occluder must be 'none' or one of {OCCLUDERS}, got {occluder!r}")
    levels = _au_levels(emotion, float(intensity))
    neutral = _neutral_landmarks(identity)
    lm = _deformed_landmarks(neutral, levels)
    transform = _pose_transform(pose or Pose(), size)
    canvas = _Canvas(size * SUPERSAMPLE, _supersampled(transform, SUPERSAMPLE), identity.background)
    _draw_face(canvas, identity, lm, neutral, levels)
    occluded = np.zeros((size, size), bool)
    if occluder != "none":
        shapes = _OCCLUDER_SHAPES[occluder](identity, lm, rng if rng is not None else np.random.default_rng(0))
        _paint(canvas, shapes)
        occluder_canvas = _Canvas(size, transform, 0.0, cv2.LINE_8)
        _paint(occluder_canvas, shapes, 255.0)
        occluded = occluder_canvas.img > 0
    image = cv2.resize(canvas.img, (size, size), interpolation=cv2.INTER_AREA)
    if rng is not None:
        image = _photometric(image, rng)
    mask = _evidence_mask(emotion, lm, neutral, transform, size) if intensity > 0 else np.zeros((size, size), bool)
    landmarks = (lm @ transform[:, :2].T + transform[:, 2]).astype(np.float32)
    return RenderedFace(image, mask, landmarks, occluded)


def _intensity_range(intensity: float | tuple[float, float]) -> tuple[float, float]:
    """(low, high) of the intensity range, validated."""
    low, high = (intensity, intensity) if np.isscalar(intensity) else intensity
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"intensity must lie in [0, 1] with low <= high, got {intensity}")
    return float(low), float(high)


def _balanced_labels(n: int, balanced: bool, rng: np.random.Generator) -> np.ndarray:
    """n//6 faces per class (the remainder to the first classes) in random order, or i.i.d. labels."""
    if not balanced:
        return rng.integers(0, NUM_CLASSES, n)
    return rng.permutation(np.arange(n) % NUM_CLASSES)


def _generate(
    n: int,
    size: int,
    rng: np.random.Generator,
    intensity: float | tuple[float, float],
    occlusion: float,
    balanced: bool,
    name: str,
) -> FaceSet:
    """Render ``n`` random faces from one generator."""
    if n < 0 or not 0.0 <= occlusion <= 1.0:
        raise ValueError(f"need n >= 0 and occlusion in [0, 1], got n={n}, occlusion={occlusion}")
    low, high = _intensity_range(intensity)
    labels = _balanced_labels(n, balanced, rng)
    images, masks = np.empty((n, size, size), np.uint8), np.empty((n, size, size), bool)
    landmarks = np.empty((n, 68, 2), np.float32)
    occluders = dict.fromkeys(("none",) + OCCLUDERS, 0)
    for i, label in enumerate(labels):
        identity, pose, level = random_identity(rng), random_pose(rng), rng.uniform(low, high)
        occluder = OCCLUDERS[rng.integers(len(OCCLUDERS))] if rng.random() < occlusion else "none"
        face = render_face(identity, int(label), level, size, rng, pose, occluder)
        images[i], masks[i], landmarks[i] = face.image, face.mask, face.landmarks
        occluders[occluder] += 1
    report = {
        "generator": "synthetic",
        "size": size,
        "intensity": (low, high),
        "occlusion": occlusion,
        "occluders": occluders,
    }
    sources = [f"{name}/{i:06d}" for i in range(n)]
    return FaceSet(images, labels, name, sources, masks, landmarks, report)


def generate_synthetic(
    n: int,
    size: int = 64,
    seed: int = 0,
    intensity: float | tuple[float, float] = DEFAULT_INTENSITY,
    occlusion: float = DEFAULT_OCCLUSION,
    balanced: bool = True,
) -> FaceSet:
    """``n`` random faces (new identity, pose, lighting per face) with masks and landmarks, deterministic in ``seed``.

    ``intensity`` is a fixed level or a (low, high) range drawn uniformly; ``occlusion`` is the fraction of faces
    given glasses, a hand or a patch; ``balanced`` gives every class n//6 faces (the remainder to the first).
    """
    faces = _generate(n, size, np.random.default_rng(seed), intensity, occlusion, balanced, "synthetic")
    faces.report["seed"] = seed
    return faces


def render_clip(
    emotion: int, n_frames: int = 30, size: int = 64, seed: int = 0, identity: FaceIdentity | None = None
) -> FaceSet:
    """One identity going from neutral (intensity 0) to apex (1) in ``n_frames`` frames, labelled ``emotion``."""
    if n_frames < 1:
        raise ValueError(f"n_frames must be at least 1, got {n_frames}")
    rng = np.random.default_rng(seed)
    if identity is None:
        identity = random_identity(rng)
    pose, photo_seed = random_pose(rng), int(rng.integers(2**31))
    levels = np.linspace(0.0, 1.0, n_frames)
    # every frame gets the same lighting and noise, so only the expression changes
    frames = [render_face(identity, emotion, float(t), size, np.random.default_rng(photo_seed), pose) for t in levels]
    return FaceSet(
        images=np.stack([f.image for f in frames]),
        labels=np.full(n_frames, emotion, np.int64),
        name=f"synthetic-clip-{EMOTIONS[emotion]}",
        sources=[f"synthetic-clip/{EMOTIONS[emotion]}/{i:03d}" for i in range(n_frames)],
        masks=np.stack([f.mask for f in frames]),
        landmarks=np.stack([f.landmarks for f in frames]),
        report={"generator": "synthetic-clip", "seed": seed, "size": size, "intensity": levels.tolist()},
    )


def synthetic_splits(n_train: int, n_test: int, size: int = 64, seed: int = 0) -> tuple[FaceSet, FaceSet]:
    """Train and test sets drawn from two disjoint random streams of ``seed`` (different identities)."""
    streams = [np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(2)]
    train = _generate(n_train, size, streams[0], DEFAULT_INTENSITY, DEFAULT_OCCLUSION, True, "synthetic-train")
    test = _generate(n_test, size, streams[1], DEFAULT_INTENSITY, DEFAULT_OCCLUSION, True, "synthetic-test")
    for faces in (train, test):
        faces.report["seed"] = seed
    return train, test
