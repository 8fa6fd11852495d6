"""Who is rendered, how the head is posed and where the face sits in the crop (RAF-DB-like aligned framing)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity

# Where an aligned RAF-DB crop puts the face, as fractions of the crop side: the means of MediaPipe face-mesh points
# on 477 RAF-DB train faces (simple statistics, nothing pixel-wise kept). Eye centres sit at x 0.255 / 0.725 and
# y 0.345 (spread 0.02), so the eye distance is 0.47 of the crop; brows ~0.21, nose tip 0.58, mouth corners 0.74,
# chin 1.02, and the cheeks touch both sides of the crop at eye level. Mean gray level 123, spread 48.
CROP_EYE_Y = 0.345
CROP_EYE_DISTANCE = 0.47

# Uniform ranges of the realistic identity's geometry (face units, as the cartoon's FaceIdentity), chosen so that the
# ratios to the eye distance match the crop statistics above (eye-mouth 0.84, eye width 0.44, mouth width 0.85).
_GEOMETRY_RANGES: dict[str, tuple[float, float]] = {
    "face_width": (0.31, 0.345),
    "jaw_shape": (0.7, 1.1),
    "forehead": (0.36, 0.4),
    "chin": (0.15, 0.185),
    "eye_spacing": (0.138, 0.152),
    "eye_width": (0.112, 0.128),
    "eye_open": (0.015, 0.02),
    "brow_height": (0.07, 0.085),
    "brow_thickness": (0.014, 0.024),
    "nose_length": (0.13, 0.15),
    "nose_width": (0.042, 0.054),
    "mouth_gap": (0.092, 0.108),
    "mouth_width": (0.112, 0.13),
    "lip_thickness": (0.02, 0.03),
    "skin": (70.0, 225.0),
    "lip_tone": (0.72, 0.9),
    "hairline": (0.2, 0.26),
    "hair_volume": (1.03, 1.14),
    "iris": (25.0, 110.0),
    "clothing": (10.0, 245.0),
}
_LOW, _HIGH = np.array(list(_GEOMETRY_RANGES.values())).T


def random_realistic_identity(rng: np.random.Generator) -> FaceIdentity:
    """Draw a person with real-face proportions: face shape, features, skin, hair, eye and background tones."""
    values = dict(zip(_GEOMETRY_RANGES, rng.uniform(_LOW, _HIGH).tolist(), strict=True))
    hair = rng.uniform(10.0, 70.0) if rng.random() < 0.75 else rng.uniform(100.0, 210.0)
    background = float(rng.uniform(20.0, 235.0))
    return FaceIdentity(**values, hair=hair, hair_style=int(rng.integers(4)), background=background)


@dataclass(frozen=True)
class Look:
    """Appearance details beyond geometry: age (creases), skin blotches, beard, and the light of the photo."""

    age: float = 0.3  # 0 smooth young skin .. 1 deep folds and wrinkles
    blotch_seed: int = 0  # low-frequency albedo variation
    beard: float = 0.0  # darkening of the lower face (stubble, beard)
    light_azimuth: float = 0.0  # radians, 0 = from the viewer's right-above
    light_elevation: float = 0.6  # radians from the viewing axis
    ambient: float = 0.45
    specular: float = 0.12


def random_look(rng: np.random.Generator) -> Look:
    """Draw age cues, a beard (a quarter of faces) and a light direction within ~55 degrees of the camera axis."""
    return Look(
        age=float(rng.beta(1.5, 2.5)),
        blotch_seed=int(rng.integers(2**31)),
        beard=float(rng.uniform(0.2, 0.8)) if rng.random() < 0.25 else 0.0,
        light_azimuth=float(rng.uniform(0.0, 2 * np.pi)),
        light_elevation=float(rng.uniform(0.05, 0.95)),
        ambient=float(rng.uniform(0.3, 0.6)),
        specular=float(rng.uniform(0.0, 0.25)),
    )


@dataclass(frozen=True)
class HeadPose:
    """3-D head pose in degrees (yaw turns to the image right, pitch nods down, roll is in-plane), crop jitter."""

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    shift_x: float = 0.0
    shift_y: float = 0.0
    scale: float = 1.0


def random_head_pose(rng: np.random.Generator) -> HeadPose:
    """Draw a pose as in aligned photo crops: yaw and pitch within 25 degrees, roll within 12, small jitter."""
    yaw, pitch, roll = np.clip(rng.normal(0.0, (10.0, 7.0, 4.0)), (-25.0, -20.0, -12.0), (25.0, 20.0, 12.0))
    shift_x, shift_y = rng.uniform(-0.025, 0.025, 2)
    scale = rng.uniform(0.94, 1.06)
    return HeadPose(float(yaw), float(pitch), float(roll), float(shift_x), float(shift_y), float(scale))


def frontal_transform(identity: FaceIdentity, pose: HeadPose, side: int) -> np.ndarray:
    """2x3 affine map from face units to a ``side``-pixel frontal crop: eyes at the aligned-crop positions."""
    scale = CROP_EYE_DISTANCE * side * pose.scale / (2.0 * identity.eye_spacing)
    centre = (side - 1) / 2.0
    x0 = centre + pose.shift_x * side
    y0 = CROP_EYE_Y * side - 0.5 + pose.shift_y * side - scale * EYE_Y
    return np.array([[scale, 0.0, x0], [0.0, scale, y0]])
