"""Who is drawn and how the head is posed: face identities, poses and the rendered-face record."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


