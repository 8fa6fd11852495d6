"""Reflectance of the frontal crop (0..1): background, hair, neck, skin with blotches, brows, eyes, lips, teeth."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.synthetic.drawing import _hair_cap
from gimefive_lib.data.synthetic.identity import FaceIdentity
from gimefive_lib.data.synthetic.realistic.contours import Contours, band
from gimefive_lib.data.synthetic.realistic.framing import Look
from gimefive_lib.data.synthetic.realistic.raster import Layer, ellipse, value_noise

_BROW_PROFILE = np.linspace(0.55, 1.15, 17)[:, None] * (0.0, 0.5)


def _blend(base: np.ndarray, weight: np.ndarray, value: float | np.ndarray) -> np.ndarray:
    """``base`` moved towards ``value`` by ``weight`` (0..1), in place."""
    base += weight * (value - base)
    return base


def _head_regions(side: int, transform: np.ndarray, identity: FaceIdentity, c: Contours,
                  lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Soft masks of the face skin, the hair cap, long hair behind the head, and the neck."""
    fw = identity.face_width
    face = Layer(side, transform).fill([c.outline], 1.0).soften(0.006)
    cap = _hair_cap(identity)
    hair = Layer(side, transform).fill([cap], 1.0).soften(0.008 if identity.hair_style != 3 else 0.02)
    behind = Layer(side, transform)
    if identity.hair_style == 1:
        behind.fill([np.concatenate([cap[:19] * (1.15, 1.0), [(-fw * 1.35, 0.5), (fw * 1.35, 0.5)]])], 1.0)
    neck = Layer(side, transform)
    neck.fill([np.array([lm[3] * (0.8, 1.0), lm[13] * (0.8, 1.0), (0.75 * fw, 0.6), (-0.75 * fw, 0.6)])], 1.0)
    return face, hair, behind.soften(0.01), neck.soften(0.01)


def _eyes(side: int, transform: np.ndarray, identity: FaceIdentity, c: Contours, skin: float,
          albedo: np.ndarray) -> None:
    """Sclera, iris and pupil inside the lids, the shadow of the upper lid, lashes and the lower lid line."""
    aperture = Layer(side, transform).fill(list(c.openings), 1.0).soften(0.0025)
    sclera = 0.3 + 0.45 * skin
    iris_tone = min(identity.iris / 255.0, sclera - 0.2)
    eye = Layer(side, transform, sclera)  # sclera, iris and pupil as tones, softened together
    eye.fill([ellipse(e, (0.2 * identity.eye_width,) * 2) for e in c.eye_centres], iris_tone)
    eye = eye.fill([ellipse(e, (0.08 * identity.eye_width,) * 2) for e in c.eye_centres], 0.04).soften(0.0025)
    shadow = Layer(side, transform).fill([band(u, 0.0, 0.012) for u in c.upper_lids], 1.0).soften(0.005)
    eye *= 1.0 - 0.45 * shadow
    _blend(albedo, aperture, eye)
    lashes = Layer(side, transform).line(list(c.upper_lids), 1.0, 0.009).line(list(c.lower_lids), 0.35, 0.004)
    _blend(albedo, lashes.soften(0.003), 0.07)


def _brows(side: int, transform: np.ndarray, identity: FaceIdentity, c: Contours, rng: np.random.Generator,
           albedo: np.ndarray) -> None:
    """Brows as a soft body thicker at the inner end plus short slanted hair strokes."""
    profile = _BROW_PROFILE * identity.brow_thickness
    body = Layer(side, transform).fill(list(np.concatenate([c.brows - profile, (c.brows + profile)[:, ::-1]], 1)), 0.7)
    t = rng.uniform(0.0, c.brows.shape[1] - 1.001, (2, 14))  # 14 hair strokes along each brow
    index, frac = t.astype(int), (t % 1.0)[..., None]
    brows = np.arange(2)[:, None]
    roots = c.brows[brows, index] + frac * (c.brows[brows, index + 1] - c.brows[brows, index])
    roots[..., 1] += rng.normal(0.0, 0.3, (2, 14)) * identity.brow_thickness
    tips = roots + np.stack([0.012 * np.sign(roots[..., 0]), np.full((2, 14), -0.006)], -1)
    body.line(list(np.stack([roots, tips], 2).reshape(28, 2, 2)), 1.0, 0.004)
    tone = min(identity.hair, identity.skin * 0.45) / 255.0
    _blend(albedo, np.clip(body.soften(0.004), 0.0, 1.0) * 0.9, tone)


def _mouth(side: int, transform: np.ndarray, identity: FaceIdentity, c: Contours, levels: dict[int, float],
           albedo: np.ndarray) -> None:
    """Lips darker than the skin; where the lips part, the dark mouth with upper (and lower) teeth."""
    lips = Layer(side, transform)
    lips.fill([np.concatenate([c.outer_upper, c.inner_upper[::-1]]), np.concatenate([c.outer_lower, c.inner_lower])],
              1.0)
    albedo *= 1.0 - (1.0 - identity.lip_tone) * lips.soften(0.003)
    if c.gap.max() <= 0.002:
        return
    cavity = Layer(side, transform).fill([np.concatenate([c.inner_upper, c.inner_lower[::-1]])], 1.0).soften(0.002)
    teeth = Layer(side, transform)
    upper = c.inner_upper[3:-3]
    teeth.fill([band(upper, 0.0, np.clip(c.gap[3:-3], 0.0, 0.022))], 1.0)
    if levels[16] > 0.0 or levels[20] > 0.0:  # lips pulled down or stretched bare the lower teeth
        lower = c.inner_lower[4:-4]
        bare = 0.3 + 0.15 * levels[20]  # the stretched lower lip is pulled down off a taller row of lower teeth
        teeth.fill([band(lower, np.clip(bare * c.gap[4:-4], 0.0, 0.012 + 0.008 * levels[20]), 0.0)], 0.85)
    mouth = 0.05 + 0.7 * teeth.soften(0.002)
    _blend(albedo, cavity, mouth)


def albedo_map(side: int, transform: np.ndarray, identity: FaceIdentity, lm: np.ndarray, c: Contours,
               levels: dict[int, float], look: Look) -> tuple[np.ndarray, np.ndarray]:
    """Reflectance of the frontal crop and the soft mask of the head (face and hair) it lies on."""
    rng = np.random.default_rng(look.blotch_seed)
    skin = identity.skin / 255.0
    albedo = np.full((side, side), identity.background / 255.0, np.float32)
    albedo *= 1.0 + 0.25 * value_noise(rng, side, 2)
    face, hair, behind, neck = _head_regions(side, transform, identity, c, lm)
    hair_tone = identity.hair / 255.0 * (1.0 + 0.25 * value_noise(rng, side, 12)) if identity.hair_style != 3 else \
        0.6 * skin + 0.4 * identity.hair / 255.0
    _blend(albedo, behind, hair_tone)
    _blend(albedo, neck, 0.8 * skin)
    skin_map = skin * (1.0 + 0.07 * value_noise(rng, side, 3, 2))
    if look.beard > 0.0:
        beard = Layer(side, transform).fill([np.concatenate([lm[2:15], [lm[54] + (0.0, -0.03), lm[33],
                                                                        lm[48] + (0.0, -0.03)]])], 1.0)
        skin_map *= 1.0 - 0.5 * look.beard * beard.soften(0.02) * (0.8 + 0.2 * value_noise(rng, side, 16))
    _blend(albedo, face, skin_map)
    _brows(side, transform, identity, c, rng, albedo)
    _eyes(side, transform, identity, c, skin, albedo)
    _mouth(side, transform, identity, c, levels, albedo)
    nostrils = Layer(side, transform).fill([ellipse(p + (0.0, -0.004), (0.009, 0.004)) for p in lm[[32, 34]]], 1.0)
    albedo *= 1.0 - 0.6 * nostrils.soften(0.003)
    _blend(albedo, hair, hair_tone)
    head = np.maximum(np.maximum(face, hair), neck)
    return albedo, head
