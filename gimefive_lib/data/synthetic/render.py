"""The public API: render one face, generate datasets, splits and clips."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, fields

import cv2
import numpy as np

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.synthetic.action_units import ACTION_UNITS, AU_NAMES, OCCLUDERS
from gimefive_lib.data.synthetic.drawing import _Canvas, _draw_face
from gimefive_lib.data.synthetic.geometry import (
    _au_levels,
    _deformed_landmarks,
    _neutral_landmarks,
    _pose_transform,
    _supersampled,
)
from gimefive_lib.data.synthetic.identity import FaceIdentity, Pose, RenderedFace, random_identity, random_pose
from gimefive_lib.data.synthetic.masks import _evidence_mask, _photometric, active_action_units
from gimefive_lib.data.synthetic.occluders import _OCCLUDER_SHAPES, _paint
from gimefive_lib.data.synthetic.realistic.framing import HeadPose, random_head_pose, random_realistic_identity
from gimefive_lib.data.synthetic.realistic.render import render_realistic_face
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES

SUPERSAMPLE = 2  # faces are drawn at twice the output size, then area-averaged down
DEFAULT_INTENSITY = (0.5, 1.0)
DEFAULT_OCCLUSION = 0.15
# Real faces rarely show a prototype's every action unit at one strength: each AU of a face is scaled by a level
# drawn from [1 - spread, 1], so a fear face with little AU4 or AU20 looks like surprise, as real ones do.
DEFAULT_AU_SPREAD = 0.7
STYLES: tuple[str, ...] = ("realistic", "cartoon")
DEFAULT_STYLE = "realistic"  # photo-like faces a real-face model reads (see evaluation.realism); "cartoon" on request
# Changed whenever a change of the generator changes the faces a seed gives (a trained model records it, and it
# keys the disk cache of the notebooks' faces).
GENERATOR_VERSION = "2026-12-07.1"


def _check_face(emotion: int, intensity: float, occluder: str) -> None:
    """Raise ValueError for an emotion, intensity or occluder outside the generator's range."""
    if not 0 <= emotion < NUM_CLASSES:
        raise ValueError(f"emotion must be a GiMeFive id 0..{NUM_CLASSES - 1}, got {emotion}")
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity must be in [0, 1], got {intensity}")
    if occluder != "none" and occluder not in OCCLUDERS:
        raise ValueError(f"occluder must be 'none' or one of {OCCLUDERS}, got {occluder!r}")


def render_face(
    identity: FaceIdentity,
    emotion: int,
    intensity: float,
    size: int = 64,
    rng: np.random.Generator | None = None,
    pose: Pose | None = None,
    occluder: str = "none",
    au_scale: Mapping[int, float] | None = None,
) -> RenderedFace:
    """Draw one face showing ``emotion`` (GiMeFive id) at ``intensity`` (0 neutral .. 1 apex).

    ``rng`` adds random softness, lighting gradient and noise (None = a clean render); ``pose`` defaults to
    upright and centred; ``occluder`` is ``"none"`` or one of :data:`OCCLUDERS`; ``au_scale`` scales single AUs
    of the prototype (default 1). The evidence mask is empty at intensity 0; landmarks are (x, y) output pixel
    coordinates with pixel centres at integers.
    """
    _check_face(emotion, intensity, occluder)
    levels = _au_levels(emotion, float(intensity), au_scale)
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
    mask = _evidence_mask(active_action_units(levels), lm, neutral, transform, size)
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


def _check_style(style: str) -> None:
    """Raise ValueError for an unknown rendering style."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, got {style!r}")


def _render(
    style: str,
    identity: FaceIdentity,
    emotion: int,
    intensity: float,
    size: int,
    rng: np.random.Generator | None,
    pose: Pose | HeadPose,
    occluder: str = "none",
    au_scale: Mapping[int, float] | None = None,
) -> RenderedFace:
    """One face in ``style`` (a realistic face takes a HeadPose, a cartoon a Pose)."""
    if style == "cartoon":
        return render_face(identity, emotion, intensity, size, rng, pose, occluder, au_scale)
    _check_face(emotion, intensity, occluder)
    return render_realistic_face(identity, emotion, intensity, size, rng, pose, occluder, au_scale)


_PEOPLE = {"cartoon": (random_identity, random_pose), "realistic": (random_realistic_identity, random_head_pose)}


def _au_scale(emotion: int, spread: float, rng: np.random.Generator) -> dict[int, float] | None:
    """A level in [1 - spread, 1] for each AU of the emotion's prototype (None, and no draw, when spread is 0)."""
    if spread == 0:
        return None
    aus = ACTION_UNITS[EMOTIONS[emotion]]
    return dict(zip(aus, rng.uniform(1.0 - spread, 1.0, len(aus)).tolist(), strict=True))


def _generate(
    n: int,
    size: int,
    rng: np.random.Generator,
    intensity: float | tuple[float, float],
    occlusion: float,
    balanced: bool,
    name: str,
    style: str,
    au_spread: float = DEFAULT_AU_SPREAD,
) -> FaceSet:
    """Render ``n`` random faces from one generator; the report keeps every face's AU intensities and pose."""
    if n < 0 or not 0.0 <= occlusion <= 1.0 or not 0.0 <= au_spread <= 1.0:
        raise ValueError(
            f"need n >= 0, occlusion and au_spread in [0, 1], got n={n}, occlusion={occlusion}, au_spread={au_spread}"
        )
    _check_style(style)
    low, high = _intensity_range(intensity)
    labels = _balanced_labels(n, balanced, rng)
    images, masks = np.empty((n, size, size), np.uint8), np.empty((n, size, size), bool)
    landmarks = np.empty((n, 68, 2), np.float32)
    au_intensity = np.zeros((n, len(AU_NAMES)), np.float32)
    draw_identity, draw_pose = _PEOPLE[style]
    pose_fields = tuple(field.name for field in fields(HeadPose if style == "realistic" else Pose))
    poses = np.empty((n, len(pose_fields)), np.float32)
    occluders = dict.fromkeys(("none",) + OCCLUDERS, 0)
    for i, label in enumerate(labels):
        identity, pose, level = draw_identity(rng), draw_pose(rng), rng.uniform(low, high)
        occluder = OCCLUDERS[rng.integers(len(OCCLUDERS))] if rng.random() < occlusion else "none"
        scale = _au_scale(int(label), au_spread, rng)
        face = _render(style, identity, int(label), level, size, rng, pose, occluder, scale)
        images[i], masks[i], landmarks[i] = face.image, face.mask, face.landmarks
        au_intensity[i] = list(_au_levels(int(label), level, scale).values())
        poses[i] = astuple(pose)
        occluders[occluder] += 1
    report = {
        "generator": "synthetic",
        "style": style,
        "size": size,
        "intensity": (low, high),
        "occlusion": occlusion,
        "au_spread": au_spread,
        "occluders": occluders,
        "action_units": tuple(AU_NAMES),
        "au_intensity": au_intensity,
        "pose_fields": pose_fields,
        "pose": poses,
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
    style: str = DEFAULT_STYLE,
    au_spread: float = DEFAULT_AU_SPREAD,
) -> FaceSet:
    """``n`` random faces (new identity, pose, lighting per face) with masks and landmarks, deterministic in ``seed``.

    ``intensity`` is a fixed level or a (low, high) range drawn uniformly; ``occlusion`` is the fraction of faces
    given glasses, a hand or a patch; ``balanced`` gives every class n//6 faces (the remainder to the first);
    ``style`` is ``"realistic"`` (the default: photo-like aligned crops, 3-D pose) or ``"cartoon"`` (line drawings);
    ``au_spread`` scales each AU of a face by a level drawn from [1 - au_spread, 1] (0: the full prototype).
    The report keeps each face's AU intensities (columns ``report["action_units"]``) and pose
    (``report["pose_fields"]``).
    """
    rng = np.random.default_rng(seed)
    faces = _generate(n, size, rng, intensity, occlusion, balanced, "synthetic", style, au_spread)
    faces.report["seed"] = seed
    return faces


def render_clip(
    emotion: int,
    n_frames: int = 30,
    size: int = 64,
    seed: int = 0,
    identity: FaceIdentity | None = None,
    style: str = DEFAULT_STYLE,
) -> FaceSet:
    """One identity going from neutral (intensity 0) to apex (1) in ``n_frames`` frames, labelled ``emotion``."""
    if n_frames < 1:
        raise ValueError(f"n_frames must be at least 1, got {n_frames}")
    _check_style(style)
    rng = np.random.default_rng(seed)
    draw_identity, draw_pose = _PEOPLE[style]
    if identity is None:
        identity = draw_identity(rng)
    pose, photo_seed = draw_pose(rng), int(rng.integers(2**31))
    levels = np.linspace(0.0, 1.0, n_frames)
    # every frame gets the same look, lighting and noise, so only the expression changes
    frames = [
        _render(style, identity, emotion, float(t), size, np.random.default_rng(photo_seed), pose) for t in levels
    ]
    return FaceSet(
        images=np.stack([f.image for f in frames]),
        labels=np.full(n_frames, emotion, np.int64),
        name=f"synthetic-clip-{EMOTIONS[emotion]}",
        sources=[f"synthetic-clip/{EMOTIONS[emotion]}/{i:03d}" for i in range(n_frames)],
        masks=np.stack([f.mask for f in frames]),
        landmarks=np.stack([f.landmarks for f in frames]),
        report={
            "generator": "synthetic-clip",
            "style": style,
            "seed": seed,
            "size": size,
            "intensity": levels.tolist(),
        },
    )


def synthetic_splits(
    n_train: int, n_test: int, size: int = 64, seed: int = 0, style: str = DEFAULT_STYLE
) -> tuple[FaceSet, FaceSet]:
    """Train and test sets drawn from two disjoint random streams of ``seed`` (different identities)."""
    streams = [np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(2)]
    train = _generate(n_train, size, streams[0], DEFAULT_INTENSITY, DEFAULT_OCCLUSION, True, "synthetic-train", style)
    test = _generate(n_test, size, streams[1], DEFAULT_INTENSITY, DEFAULT_OCCLUSION, True, "synthetic-test", style)
    for faces in (train, test):
        faces.report["seed"] = seed
    return train, test
