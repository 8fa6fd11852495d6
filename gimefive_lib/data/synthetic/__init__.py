"""Synthetic faces whose six emotions are built from FACS action units: the suite's embedded default dataset.

Every face is drawn with OpenCV anti-aliased primitives in *face units* (1.0 = image width, origin at the image
centre, y pointing down). A neutral face comes from a :class:`FaceIdentity`; each action unit (AU) of the emotion
moves the 68 iBUG landmarks by a fixed displacement scaled by the intensity (0 = neutral, 1 = apex) and adds its
surface marks (wrinkles, raised cheeks, teeth); a :class:`Pose` then rotates, shifts and scales the face. Each
sample carries its ground-truth evidence mask (the pixels of the regions its AUs deform) and its landmarks.
"""

from __future__ import annotations

from gimefive_lib.data.synthetic.action_units import (
    ACTION_UNITS,
    AU_LANDMARKS,
    AU_NAMES,
    AU_REGIONS,
    OCCLUDERS,
    evidence_landmarks,
)
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity, Pose, RenderedFace, random_identity, random_pose
from gimefive_lib.data.synthetic.render import (
    DEFAULT_INTENSITY,
    DEFAULT_OCCLUSION,
    SUPERSAMPLE,
    generate_synthetic,
    render_clip,
    render_face,
    synthetic_splits,
)

__all__ = [
    "ACTION_UNITS",
    "AU_LANDMARKS",
    "AU_NAMES",
    "AU_REGIONS",
    "DEFAULT_INTENSITY",
    "DEFAULT_OCCLUSION",
    "EYE_Y",
    "FaceIdentity",
    "OCCLUDERS",
    "Pose",
    "RenderedFace",
    "SUPERSAMPLE",
    "evidence_landmarks",
    "generate_synthetic",
    "random_identity",
    "random_pose",
    "render_clip",
    "render_face",
    "synthetic_splits",
]
