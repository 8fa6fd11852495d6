"""What the explainers look at: reproducible samples of faces and the real face that ships with scikit-image."""

from __future__ import annotations

import numpy as np

from gimefive_lib.explain.sources import astronaut_face, sample_faces


def test_sample_faces_is_reproducible_and_keeps_masks(tiny_faces):
    a, b = sample_faces(tiny_faces, 10, seed=3), sample_faces(tiny_faces, 10, seed=3)
    assert len(a) == 10 and a.masks is not None and a.landmarks is not None
    np.testing.assert_array_equal(a.images, b.images)
    assert sample_faces(tiny_faces, 10_000) is tiny_faces


def test_astronaut_face_is_a_gray_crop():
    face = astronaut_face()
    assert face.shape == (64, 64) and face.dtype == np.uint8 and face.std() > 10
