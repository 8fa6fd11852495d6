"""Drawing a face on an anti-aliased canvas: head, hair, eyes, brows, nose, folds and mouth."""

from __future__ import annotations

import cv2
import numpy as np

from gimefive_lib.data.synthetic.geometry import _CIRCLE, _ellipse, _mid, _spline, _spline_matrix
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity


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
    """Nasolabial folds from the nose wings towards the (neutral) mouth corners, deepened by AU6 and AU9."""
    start = lm[[31, 35]] + _FOLD[:, 0]
    end = neutral[[48, 54]] + _FOLD[:, 2] - (0.0, 0.03 * levels[6])
    control = np.stack([start, (start + end) / 2.0 + _FOLD[:, 1], end], axis=1)
    cv.line(_spline_matrix(3) @ control, skin * (1.0 - 0.06 - 0.3 * max(levels[6], 0.8 * levels[9])), 0.006)


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


