"""Face regions from landmarks and the share of map mass per region and emotion."""

from __future__ import annotations

import numpy as np
import pytest

from gimefive_lib.data.regions import REGION_NAMES
from gimefive_lib.explain.inputs import astronaut_face
from gimefive_lib.explain.region_shares import (
    OTHER,
    emotion_region_table,
    face_region_masks,
    landmark_region_masks,
    mesh_region_masks,
    peak_cell_table,
    region_shares,
)
from gimefive_lib.labels import EMOTIONS


def test_regions_from_synthetic_landmarks_are_disjoint_and_where_the_features_are(tiny_faces):
    masks = landmark_region_masks(tiny_faces.landmarks[:10], 64)
    assert masks.shape == (10, 4, 64, 64)
    assert masks.sum(axis=1).max() == 1  # disjoint
    assert masks.sum(axis=(2, 3)).min() > 10  # every region is found on every face
    rows = [np.argwhere(masks[:, r]).mean(axis=0)[1] for r in range(4)]  # mean row of eyes, brows, nose, mouth
    eyes, brows, nose, mouth = rows
    assert brows < eyes < nose < mouth


def test_shares_sum_to_one_and_follow_the_map(tiny_faces):
    masks = landmark_region_masks(tiny_faces.landmarks[:4], 64)
    mouth_only = masks[:, REGION_NAMES.index("mouth")].astype(np.float32)
    shares = region_shares(mouth_only, masks)
    assert shares.shape == (4, 5)
    np.testing.assert_allclose(shares.sum(axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(shares[:, REGION_NAMES.index("mouth")], 1, atol=1e-6)
    uniform = region_shares(np.zeros((4, 64, 64), np.float32), masks)  # empty maps count as uniform
    np.testing.assert_allclose(uniform[:, :4], masks.mean(axis=(2, 3)), atol=1e-6)


def test_emotion_region_table():
    shares = np.array([[0.5, 0.1, 0.1, 0.2, 0.1], [0.1, 0.1, 0.1, 0.6, 0.1], [0.3, 0.1, 0.1, 0.4, 0.1]])
    table = emotion_region_table(shares, [2, 0, 2])
    assert list(table.index) == [EMOTIONS[0], EMOTIONS[2]]
    assert list(table.columns) == [*REGION_NAMES, OTHER]
    assert table.loc[EMOTIONS[2], "eyes"] == pytest.approx(0.4)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"\(N, 68, 2\)"):
        landmark_region_masks(np.zeros((2, 5, 2)), 64)
    with pytest.raises(ValueError, match="masks"):
        region_shares(np.zeros((2, 64, 64)), np.zeros((2, 3, 64, 64), bool))


def test_face_mesh_regions_on_a_real_face():
    face = astronaut_face()
    blank = np.full((64, 64), 128, np.uint8)
    masks, found = mesh_region_masks(np.stack([face, blank]))
    assert found.tolist() == [True, False]
    assert masks[0].sum(axis=(1, 2)).min() > 5 and not masks[1].any()
    eyes, mouth = np.argwhere(masks[0, 0]).mean(axis=0)[0], np.argwhere(masks[0, 3]).mean(axis=0)[0]
    assert eyes < mouth
    via_dispatch, _ = face_region_masks(face[None])
    np.testing.assert_array_equal(via_dispatch[0], masks[0])


def test_peak_cell_table_names_the_cell_where_most_maps_of_an_emotion_peak():
    cams = np.zeros((5, 64, 64), dtype=np.float32)
    cams[:3, 50, 10] = 1  # three faces of happiness peak in cell (3, 0)
    cams[3, 5, 60] = 1  # one in cell (0, 3)
    cams[4, 20, 20] = 1  # the only face of surprise, in cell (1, 1)
    table = peak_cell_table(cams, [0, 0, 0, 0, 1])
    assert list(table.index) == list(EMOTIONS[:2])
    assert table.loc[EMOTIONS[0], "cell"] == (3, 0) and table.loc[EMOTIONS[0], "share"] == 0.75
    assert table.loc[EMOTIONS[1], "cell"] == (1, 1) and table.loc[EMOTIONS[1], "faces"] == 1
    with pytest.raises(ValueError, match="cells"):
        peak_cell_table(cams[:, :63], [0] * 5)
