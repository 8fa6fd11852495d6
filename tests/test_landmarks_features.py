"""Landmark normalisation: translation, scale and in-plane rotation removed; flattening and clip displacements."""

from __future__ import annotations

import numpy as np
import pytest

from gimefive_lib.data.regions import IBUG68
from gimefive_lib.landmarks.features import displacements, eye_centres, flatten, normalize_landmarks


def _similarity(points: np.ndarray, angle_deg: float, scale: float, shift: tuple[float, float]) -> np.ndarray:
    angle = np.deg2rad(angle_deg)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return points @ rotation.T * scale + np.array(shift)


def test_normalisation_removes_translation_scale_and_rotation(tiny_faces):
    face = tiny_faces.landmarks[0].astype(np.float64)
    moved = _similarity(face, 17.0, 1.7, (12.0, -5.0))
    a, b = normalize_landmarks(np.stack([face, moved]), IBUG68)
    np.testing.assert_allclose(a, b, atol=1e-4)


@pytest.mark.parametrize("scale", ["interocular", "rms"])
def test_normalised_faces_are_centred_upright_and_unit_sized(tiny_faces, scale):
    points = normalize_landmarks(tiny_faces.landmarks[:20], IBUG68, scale)
    np.testing.assert_allclose(points.mean(axis=1), 0.0, atol=1e-5)
    left, right = eye_centres(points, IBUG68)
    np.testing.assert_allclose(left[:, 1], right[:, 1], atol=1e-5)
    assert np.all(right[:, 0] > left[:, 0])
    size = np.linalg.norm(right - left, axis=1) if scale == "interocular" else np.sqrt((points**2).sum(2).mean(1))
    np.testing.assert_allclose(size, 1.0, atol=1e-5)


def test_bad_landmarks_raise_clear_errors():
    with pytest.raises(ValueError, match=r"\(N, 68, 2\)"):
        normalize_landmarks(np.zeros((3, 67, 2)), IBUG68)
    with pytest.raises(ValueError, match="degenerate"):
        normalize_landmarks(np.zeros((2, 68, 2)), IBUG68)
    with pytest.raises(ValueError, match="unknown scale"):
        normalize_landmarks(np.random.default_rng(0).normal(size=(1, 68, 2)), IBUG68, "area")


def test_flatten_interleaves_x_and_y_of_the_chosen_landmarks():
    points = np.arange(2 * 4 * 2, dtype=np.float32).reshape(2, 4, 2)
    np.testing.assert_array_equal(flatten(points, np.array([3, 1]))[0], [6, 7, 2, 3])
    assert flatten(points).shape == (2, 8)


def test_clip_displacements_start_at_zero_and_grow_towards_the_apex():
    from gimefive_lib.data.synthetic.render import render_clip

    clip = render_clip(0, n_frames=6, seed=3)
    moved = displacements(normalize_landmarks(clip.landmarks, IBUG68))
    magnitude = np.linalg.norm(moved, axis=2).sum(axis=1)
    assert magnitude[0] == 0.0
    assert np.all(np.diff(magnitude) > 0)
    with pytest.raises(ValueError, match="clip"):
        displacements(np.zeros((0, 68, 2)))


def test_landmark_sets_check_their_shape_and_round_trip(tmp_path):
    from gimefive_lib.landmarks.landmarkset import LandmarkSet

    with pytest.raises(ValueError, match=r"\(N, 468, 2\) for facemesh468"):
        LandmarkSet(np.zeros((2, 68, 2)), np.zeros(2), "facemesh468", "bad")
    with pytest.raises(ValueError, match="2 landmark sets but 3 labels"):
        LandmarkSet(np.zeros((2, 68, 2)), np.zeros(3), IBUG68)
    points = np.random.default_rng(0).normal(size=(3, 68, 2))
    original = LandmarkSet(points, [0, 5, 2], IBUG68, "three", ["a", "b", "c"], {"no_face": ["d"]})
    original.save(tmp_path / "three.npz")
    loaded = LandmarkSet.load(tmp_path / "three.npz")
    np.testing.assert_allclose(loaded.points, original.points)
    assert loaded.labels.tolist() == [0, 5, 2] and loaded.sources == ["a", "b", "c"]
    assert loaded.report == {"no_face": ["d"]} and loaded.layout == IBUG68 and loaded.name == "three"
    assert original.subset(np.array([2])).sources == ["c"]
