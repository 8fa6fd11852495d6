"""Landmark -> face region tables for the iBUG 68 layout and MediaPipe's 468-point mesh."""

from __future__ import annotations

import numpy as np
import pytest

from gimefive_lib.data.regions import FACEMESH468, IBUG68, REGIONS, importance_by_region, landmark_regions


def test_ibug_regions_follow_the_68_point_layout():
    regions = landmark_regions(IBUG68)
    assert regions.shape == (68,)
    assert set(regions[48:68]) == {"mouth"} and set(regions[17:27]) == {"brows"}
    assert set(regions[36:48]) == {"eyes"} and set(regions[27:36]) == {"nose"} and set(regions[:17]) == {"contour"}


def test_face_mesh_regions_come_from_mediapipe_connection_sets():
    from mediapipe.python.solutions import face_mesh_connections as fm

    regions = landmark_regions(FACEMESH468)
    assert regions.shape == (468,)
    assert set(regions) <= set(REGIONS)
    assert all(regions[i] == "mouth" for edge in fm.FACEMESH_LIPS for i in edge)
    assert regions[61] == "mouth" and regions[291] == "mouth"  # the mouth corners
    assert all(regions[i] == "brows" for edge in fm.FACEMESH_LEFT_EYEBROW for i in edge)


def test_a_reference_face_splits_forehead_from_cheeks():
    reference = np.zeros((468, 2))
    reference[:, 1] = np.linspace(-1, 1, 468)  # y grows with the index
    regions = landmark_regions(FACEMESH468, reference)
    assert "forehead" in set(regions) and "cheeks" in set(regions)
    with pytest.raises(ValueError, match=r"\(468, 2\)"):
        landmark_regions(FACEMESH468, np.zeros((68, 2)))


def test_region_shares_sum_to_one_and_unknown_layouts_fail():
    regions = landmark_regions(IBUG68)
    importance = np.zeros(68)
    importance[[48, 54]] = 3.0
    importance[20] = 2.0
    shares = importance_by_region(importance, regions)
    assert shares["mouth"] == pytest.approx(0.75) and shares["brows"] == pytest.approx(0.25)
    assert sum(shares.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown landmark layout"):
        landmark_regions("dlib5")
