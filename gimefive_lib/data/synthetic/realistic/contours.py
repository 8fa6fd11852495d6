"""Smooth feature contours from the 68 landmarks (face units): lids, brows, lips, mouth opening, face outline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gimefive_lib.data.synthetic.geometry import _spline_matrix
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity

_EYE_UPPER = np.array([[36, 37, 38, 39], [42, 43, 44, 45]])
_EYE_LOWER = np.array([[39, 40, 41, 36], [45, 46, 47, 42]])
_BROWS = np.array([[17, 18, 19, 20, 21], [26, 25, 24, 23, 22]])
_LIPS = np.array(
    [
        [48, 49, 50, 51, 52, 53, 54],  # outer upper
        [54, 55, 56, 57, 58, 59, 48],  # outer lower, right to left
        [48, 60, 61, 62, 63, 64, 54],  # inner upper
        [48, 60, 67, 66, 65, 64, 54],  # inner lower
    ]
)
_FOREHEAD = np.stack([np.cos(np.linspace(0.0, np.pi, 15)), -np.sin(np.linspace(0.0, np.pi, 15))], 1)[1:-1]


@dataclass
class Contours:
    """Curves of one face, face units; pairs are (image-left, image-right)."""

    upper_lids: np.ndarray  # (2, 13, 2) outer -> inner corner for the left eye, inner -> outer for the right
    lower_lids: np.ndarray  # (2, 13, 2)
    openings: np.ndarray  # (2, 24, 2) closed eye apertures
    eye_centres: np.ndarray  # (2, 2) centres of the eyeballs (from the neutral lids: the eyes do not move)
    brows: np.ndarray  # (2, 17, 2) brow centre lines, outer -> inner
    outer_upper: np.ndarray  # (25, 2) lips, left corner -> right corner
    outer_lower: np.ndarray  # (25, 2) right corner -> left corner
    inner_upper: np.ndarray  # (25, 2)
    inner_lower: np.ndarray  # (25, 2)
    gap: np.ndarray  # (25,) vertical opening of the mouth along the inner lips
    outline: np.ndarray  # (30, 2) jaw landmarks closed by a forehead arc


def face_contours(identity: FaceIdentity, lm: np.ndarray, neutral: np.ndarray) -> Contours:
    """All contours of the deformed landmarks ``lm``; eyeball centres from the ``neutral`` landmarks."""
    uppers, lowers = _spline_matrix(4) @ lm[_EYE_UPPER], _spline_matrix(4) @ lm[_EYE_LOWER]
    outer_upper, outer_lower, inner_upper, inner_lower = _spline_matrix(7) @ lm[_LIPS]
    centres = (neutral[[36, 42]] + neutral[[39, 45]]) / 2.0 + (0.0, 0.1 * identity.eye_open)
    top = np.array([0.0, EYE_Y + 0.01])
    outline = np.concatenate([lm[:17], _FOREHEAD * (identity.face_width, identity.forehead) + top])
    return Contours(
        upper_lids=uppers,
        lower_lids=lowers,
        openings=np.concatenate([uppers, lowers[:, 1:-1]], axis=1),
        eye_centres=centres,
        brows=_spline_matrix(5) @ lm[_BROWS],
        outer_upper=outer_upper,
        outer_lower=outer_lower,
        inner_upper=inner_upper,
        inner_lower=inner_lower,
        gap=inner_lower[:, 1] - inner_upper[:, 1],
        outline=outline,
    )


def band(curve: np.ndarray, above: float, below: float) -> np.ndarray:
    """Closed polygon of a strip around ``curve``: ``above`` and ``below`` (face units, per point or scalar)."""
    return np.concatenate([curve - np.stack([0.0 * curve[:, 0], np.broadcast_to(above, len(curve))], 1),
                           (curve + np.stack([0.0 * curve[:, 0], np.broadcast_to(below, len(curve))], 1))[::-1]])
