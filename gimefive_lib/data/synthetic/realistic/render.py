"""One realistic face: relief, reflectance and light in the frontal crop, turned in 3-D, then the camera."""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from gimefive_lib.data.synthetic.action_units import _REGION_PAD
from gimefive_lib.data.synthetic.geometry import _au_levels, _deformed_landmarks, _neutral_landmarks
from gimefive_lib.data.synthetic.identity import FaceIdentity, RenderedFace
from gimefive_lib.data.synthetic.masks import active_action_units, evidence_hulls
from gimefive_lib.data.synthetic.occluders import _OCCLUDER_SHAPES
from gimefive_lib.data.synthetic.realistic.albedo import albedo_map
from gimefive_lib.data.synthetic.realistic.contours import face_contours
from gimefive_lib.data.synthetic.realistic.framing import HeadPose, Look, frontal_transform, random_look
from gimefive_lib.data.synthetic.realistic.projection import Projection, pixel_grid
from gimefive_lib.data.synthetic.realistic.raster import Layer
from gimefive_lib.data.synthetic.realistic.relief import dome, height_field
from gimefive_lib.data.synthetic.realistic.shading import camera, shade


def render_side(size: int) -> int:
    """Side of the frontal canvas: twice the output up to 128 px (area-averaged down), the output size above."""
    return 2 * size if size <= 128 else size


def _evidence(aus: list[int], lm: np.ndarray, neutral: np.ndarray, side: int, transform: np.ndarray) -> np.ndarray:
    """Frontal map (1 inside) of the regions the AUs ``aus`` deform: padded hulls of neutral and moved points."""
    layer = Layer(side, transform)
    hulls = evidence_hulls(aus, lm, neutral)
    for hull in hulls:  # one call per hull: fillPoly would cancel out where hulls overlap
        layer.fill([hull], 1.0)
    layer.line([np.concatenate([h, h[:1]]) for h in hulls], 1.0, 2 * _REGION_PAD)
    return layer.img


def _occlude(occluder: str, identity: FaceIdentity, lm: np.ndarray, rng: np.random.Generator, side: int,
             transform: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Paint glasses, a hand or a patch (lit flat) on the frontal image; returns the occluder's frontal map."""
    covered = Layer(side, transform)
    for points, color, width in _OCCLUDER_SHAPES[occluder](identity, lm, rng):
        paint = Layer(side, transform)
        if width is None:
            paint.fill([points], 1.0)
        else:
            paint.line([points], 1.0, width)
        weight = paint.soften(0.003)
        image += weight * (color - image)
        np.maximum(covered.img, paint.img, out=covered.img)
    return covered.img


def render_realistic_face(
    identity: FaceIdentity,
    emotion: int,
    intensity: float,
    size: int = 64,
    rng: np.random.Generator | None = None,
    pose: HeadPose | None = None,
    occluder: str = "none",
    au_scale: Mapping[int, float] | None = None,
) -> RenderedFace:
    """A photo-like aligned face crop showing ``emotion`` at ``intensity`` (arguments checked by the caller).

    ``rng`` draws the look (age, blotches, beard, light) and the camera (exposure, blur, noise, JPEG); None gives a
    clean render with the default :class:`Look`. ``au_scale`` scales single AUs of the prototype (default 1).
    Landmarks are output pixel coordinates after the pose.
    """
    levels = _au_levels(emotion, float(intensity), au_scale)
    neutral = _neutral_landmarks(identity)
    lm = _deformed_landmarks(neutral, levels)
    pose = pose or HeadPose()
    look = random_look(rng) if rng is not None else Look()
    side = render_side(size)
    transform = frontal_transform(identity, pose, side)
    unit = float(transform[0, 0])
    grid_x, grid_y = pixel_grid(side)
    base = dome(identity, (grid_x - float(transform[0, 2])) / unit, (grid_y - float(transform[1, 2])) / unit)
    contours = face_contours(identity, lm, neutral)
    albedo, head = albedo_map(side, transform, identity, lm, contours, levels, look)
    depth = (height_field(side, transform, identity, lm, contours, levels, look, base) * head).astype(np.float32)
    frontal = shade(albedo, depth, head, unit, look)
    covered = np.zeros((side, side), np.float32)
    if occluder != "none":
        occluder_rng = rng if rng is not None else np.random.default_rng(0)
        covered = _occlude(occluder, identity, lm, occluder_rng, side, transform, frontal)
    eye_pixels = (contours.eye_centres @ transform[:, :2].T + transform[:, 2]).astype(np.float32)
    pivot_depth = float(np.mean([cv2.getRectSubPix(depth, (1, 1), tuple(p))[0, 0] for p in eye_pixels]))
    eyes = eye_pixels.mean(axis=0)  # the head turns about the eyes: aligned crops keep them in place
    warp_depth = cv2.GaussianBlur((depth - pivot_depth) * unit, (0, 0), 0.01 * unit)
    view = Projection(pose, warp_depth, eyes)
    image = cv2.resize(view.warp(frontal), (size, size), interpolation=cv2.INTER_AREA)
    image = camera(image, rng)
    occluded = np.zeros((size, size), bool)
    if occluder != "none":
        occluded = cv2.resize(view.warp(covered), (size, size), interpolation=cv2.INTER_AREA) > 0.5
    aus = active_action_units(levels)
    if aus:
        evidence = view.warp(_evidence(aus, lm, neutral, side, transform), nearest=True)
        mask = cv2.resize(evidence, (size, size), interpolation=cv2.INTER_AREA) > 0.25
    else:
        mask = np.zeros((size, size), bool)
    points = view.points(lm @ transform[:, :2].T + transform[:, 2])
    landmarks = ((points + 0.5) * size / side - 0.5).astype(np.float32)
    return RenderedFace(image, mask, landmarks, occluded)
