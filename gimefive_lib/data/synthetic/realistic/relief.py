"""The 2.5-D head: a height field (face units of depth) of skull, features, folds and wrinkles, moved by the AUs."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.synthetic.geometry import _spline_matrix
from gimefive_lib.data.synthetic.identity import EYE_Y, FaceIdentity
from gimefive_lib.data.synthetic.realistic.contours import Contours, band
from gimefive_lib.data.synthetic.realistic.framing import Look
from gimefive_lib.data.synthetic.realistic.raster import Layer, ellipse

HEAD_DEPTH = 0.2  # depth of the head dome at its centre, face units


def _mirror(offset: tuple[float, float]) -> np.ndarray:
    """An image-left offset and its mirror image, shape (2, 2)."""
    return np.array([offset, (-offset[0], offset[1])])


def dome(identity: FaceIdentity, grid_x: np.ndarray, grid_y: np.ndarray) -> np.ndarray:
    """Ellipsoidal head surface over the face-unit grid (0 outside), the base of the height field."""
    u = (grid_x / (identity.face_width * 1.12)) ** 2 + ((grid_y - EYE_Y - 0.07) / 0.44) ** 2
    return HEAD_DEPTH * np.sqrt(np.clip(1.0 - u, 0.0, None))


def _fold_curves(lm: np.ndarray, levels: dict[int, float]) -> np.ndarray:
    """Nasolabial folds from above the nose wings around the mouth corners, pulled up and out by AU6/12."""
    pull = max(levels[12], 0.6 * levels[6])
    start = lm[[31, 35]] + _mirror((-0.022, -0.022))
    end = lm[[48, 54]] + _mirror((-0.03 - 0.008 * pull, 0.035 - 0.015 * pull))
    bulge = (start + end) / 2.0 + _mirror((-0.022 - 0.01 * pull, -0.004))
    return _spline_matrix(3) @ np.stack([start, bulge, end], axis=1)


def _structure(side: int, transform: np.ndarray, identity: FaceIdentity, lm: np.ndarray, c: Contours,
               levels: dict[int, float]) -> np.ndarray:
    """Broad forms (blurred wide): eye sockets, brow ridge, cheeks, muzzle and chin."""
    socket = Layer(side, transform)
    socket.fill([ellipse(e + (0.0, -0.006), (identity.eye_width * 0.62, 0.042)) for e in c.eye_centres], 1.0)
    ridge = Layer(side, transform)
    ridge.fill([ellipse(b + (0.0, -0.01), (0.075, 0.022)) for b in c.brows[:, 8]], 1.0)
    ridge.fill([ellipse((lm[21] + lm[22]) / 2.0 + (0.0, -0.01), (0.035, 0.025))], 0.6 + 0.6 * levels[4])
    cheek = Layer(side, transform)
    lift = 0.02 * max(levels[6], 0.8 * levels[12])
    for k, e in enumerate(c.eye_centres):
        sign = -1.0 if k == 0 else 1.0
        cheek.fill([ellipse(e + (sign * 0.03, 0.1 - lift), (0.075, 0.06))], 1.2 * lift / 0.02)
    cheek.fill([ellipse((0.0, (lm[51, 1] + lm[57, 1]) / 2.0), (identity.mouth_width * 1.25, 0.075))], 0.9)
    cheek.fill([ellipse(lm[8] + (0.0, -0.045), (0.06, 0.04))], 1.0)
    return (-0.032 * socket.soften(0.022) + 0.016 * ridge.soften(0.016) + 0.02 * cheek.soften(0.025))


def _nose(side: int, transform: np.ndarray, identity: FaceIdentity, lm: np.ndarray) -> np.ndarray:
    """The nose: a base widening to the wings, a narrower ridge and the tip, stacked from low to high."""
    nose = Layer(side, transform)
    nw = identity.nose_width
    base = np.array([lm[27] + (-0.024, 0.0), lm[27] + (0.024, 0.0), lm[35] + (0.02, -0.006), lm[33] + (0.0, 0.004),
                     lm[31] + (-0.02, -0.006)])
    nose.fill([base], 0.4)
    nose.fill([ellipse(w + (s * 0.008, -0.01), (0.017, 0.014)) for w, s in ((lm[31], -1.0), (lm[35], 1.0))], 0.55)
    nose.fill([np.array([lm[27] + (-0.011, 0.01), lm[27] + (0.011, 0.01), lm[30] + (0.014, 0.0),
                         lm[30] + (-0.014, 0.0)])], 0.7)
    nose.fill([ellipse(lm[30] + (0.0, -0.004), (0.55 * nw, 0.02))], 0.95)
    nose.fill([ellipse(lm[30] + (0.0, -0.006), (0.32 * nw, 0.014))], 1.0)
    nostrils = Layer(side, transform)
    nostrils.fill([ellipse(p + (0.0, -0.004), (0.01, 0.005)) for p in lm[[32, 34]]], 1.0)
    return 0.06 * nose.soften(0.014) - 0.02 * nostrils.soften(0.005)


def _features(side: int, transform: np.ndarray, c: Contours) -> np.ndarray:
    """Eyeballs under the lids, the lid crease, lips and the mouth opening (blurred little)."""
    eye = Layer(side, transform)
    eye.fill([ellipse(e, (0.05, 0.03)) for e in c.eye_centres], 1.0)
    lids = Layer(side, transform)
    lids.fill(list(band(u[2:-2], 0.012, 0.0) for u in c.upper_lids), 1.0)
    mouth = Layer(side, transform)  # lips raised, the opening between them sunk: one blur for all three
    mouth.fill([np.concatenate([c.outer_upper, c.inner_upper[::-1]])], 0.012)
    mouth.fill([np.concatenate([c.outer_lower, c.inner_lower])], 0.016)
    if c.gap.max() > 0.002:
        mouth.fill([np.concatenate([c.inner_upper, c.inner_lower[::-1]])], -0.03)
    out = 0.012 * eye.soften(0.012) + 0.004 * lids.soften(0.004)
    out += mouth.soften(0.006)
    return out


def _lines(lm: np.ndarray, c: Contours, levels: dict[int, float], look: Look) -> list[tuple[list, float, float]]:
    """Creases as (polylines, depth, width): folds, lid creases, sulcus, wrinkles of AU1/2/4/6/9/20."""
    age = look.age
    pull = max(levels[6], levels[12], 0.7 * levels[9])
    lines = [
        (list(_fold_curves(lm, levels)), 0.01 * pull, 0.012),
        ([u[2:-1] - (0.0, 0.013) for u in c.upper_lids], 0.006, 0.005),
        ([c.outer_lower[9:16] + (0.0, 0.022)], 0.004 + 0.004 * levels[16], 0.01),
    ]
    top = lm[17:27, 1].min()
    x = np.linspace(-1.0, 1.0, 9)
    for au, spans in ((1, ((-0.09, 0.09),)), (2, ((-0.2, -0.07), (0.07, 0.2)))):
        if levels[au] > 0.0:
            for x0, x1 in spans:
                xs = (x0 + x1) / 2.0 + x * (x1 - x0) / 2.0
                rows = [np.stack([xs, top - dy + 0.03 * np.abs(xs)], 1) for dy in (0.03, 0.055, 0.08)]
                lines.append((rows, 0.006 * levels[au] * (0.4 + age), 0.008))
    if levels[4] > 0.0:
        furrows = [np.array([lm[21] + (0.01, -0.04), lm[21] + (0.014, 0.012)]),  # vertical glabellar furrows
                   np.array([lm[22] + (-0.01, -0.04), lm[22] + (-0.014, 0.012)]),
                   np.array([lm[21] + (0.012, 0.022), (0.0, lm[27, 1] + 0.012), lm[22] + (-0.012, 0.022)])]
        lines.append((furrows, 0.012 * levels[4], 0.009))
    if levels[20] > 0.0:  # the skin beyond the stretched lip corners bunches into short vertical wrinkles
        stretch = [np.array([lm[i] + (s * 0.012, -0.03), lm[i] + (s * 0.02, 0.0), lm[i] + (s * 0.014, 0.04)])
                   for i, s in ((48, -1.0), (54, 1.0))]
        lines.append((stretch, 0.01 * levels[20], 0.012))
    if levels[9] > 0.0:
        step = (lm[29, 1] - lm[27, 1]) / 3.0
        rows = [np.array([(-0.025, y + 0.004), (0.0, y), (0.025, y + 0.004)]) for y in lm[27, 1] + step * np.arange(3)]
        rows += [np.array([lm[28] + (s * 0.02, 0.01), lm[28] + (s * 0.045, -0.012)]) for s in (-1.0, 1.0)]
        lines.append((rows, 0.01 * levels[9], 0.009))
    if levels[6] > 0.0:
        feet = [np.array([lm[i] + (s * 0.012, 0.0), lm[i] + (s * 0.045, dy)]) for i, s in ((36, -1.0), (45, 1.0))
                for dy in (-0.016, 0.004, 0.02)]
        lines.append((feet, 0.004 * levels[6] * (0.5 + age), 0.005))
    squint = max(levels[6], levels[7])
    if squint > 0.0:
        lines.append(([lo[1:-1] + (0.0, 0.02) for lo in c.lower_lids], 0.005 * squint, 0.006))
    return lines


def height_field(side: int, transform: np.ndarray, identity: FaceIdentity, lm: np.ndarray, c: Contours,
                 levels: dict[int, float], look: Look, base: np.ndarray) -> np.ndarray:
    """Depth (face units, larger = closer to the camera) over the frontal crop: ``base`` dome plus every form."""
    z = base + _structure(side, transform, identity, lm, c, levels) + _nose(side, transform, identity, lm)
    z += _features(side, transform, c)
    creases = Layer(side, transform)
    for shapes, depth, width in sorted(_lines(lm, c, levels, look), key=lambda item: item[1]):
        creases.line(shapes, depth, width)
    z -= creases.soften(0.005)
    bulges = Layer(side, transform)
    if levels[6] > 0.0:  # the lower lid pushed up by the cheek as a roll of skin
        bulges.fill([band(lo[2:-2], -0.004, 0.012) for lo in c.lower_lids], 0.006 * levels[6])
    if levels[12] > 0.0:  # cheeks pushed out beside the raised mouth corners
        bulges.fill([ellipse(p + (s * 0.03, -0.02), (0.03, 0.04)) for p, s in ((lm[48], -1.0), (lm[54], 1.0))],
                    0.012 * levels[12])
    return z + bulges.soften(0.01)
