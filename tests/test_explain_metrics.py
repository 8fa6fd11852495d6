"""Map metrics: pointing game, energy pointing game, random baseline, confidence drop, ROAD, Integrated Gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gimefive_lib.explain.benchmark import CENTRE, INTEGRATED_GRADIENTS, RANDOM, compare_methods
from gimefive_lib.explain.map_scores import (
    centre_maps,
    confidence_drop,
    default_tolerance,
    energy_pointing_game,
    integrated_gradients_maps,
    pointing_game,
    pointing_points,
    random_maps,
    road_scores,
)
from gimefive_lib.models.gimefive import GiMeFive


def blob(row: float, col: float, size: int = 64, sigma: float = 3.0) -> np.ndarray:
    """A Gaussian bump in [0, 1] centred at (row, col)."""
    r, c = np.mgrid[:size, :size]
    return np.exp(-((r - row) ** 2 + (c - col) ** 2) / (2 * sigma**2)).astype(np.float32)


@pytest.fixture(scope="module")
def mask() -> np.ndarray:
    """Evidence on a 'mouth' rectangle in the lower middle of a 64 x 64 face."""
    m = np.zeros((64, 64), bool)
    m[44:52, 22:42] = True
    return m


def test_a_map_on_the_evidence_hits_and_a_map_off_the_face_misses(mask):
    on, off = blob(48, 32), blob(3, 3)
    hits = pointing_game(np.stack([on, off]), np.stack([mask, mask]))
    assert hits.tolist() == [True, False]


def test_on_the_synthetic_masks(tiny_faces):
    masks = tiny_faces.masks[:12]
    # peaks on a pixel of the evidence (a mask's mean can fall outside it: the realistic masks are not convex)
    on = np.stack([blob(*np.argwhere(m)[len(np.argwhere(m)) // 2]) * 0.5 + m for m in masks])
    off = np.stack([blob(1, 62) for _ in masks])  # the top-right corner is background
    assert pointing_game(on, masks).all()
    assert not pointing_game(off, masks).any()
    assert (energy_pointing_game(on, masks) > energy_pointing_game(off, masks)).all()


def test_tolerance_counts_near_misses(mask):
    near = blob(40, 32)  # 4 px above the mask
    assert not pointing_game(near, mask, tolerance=0)[0]
    assert pointing_game(near, mask, tolerance=4)[0]
    assert default_tolerance(64) == 4 and default_tolerance(224) == 15


def test_a_plateau_points_at_its_centre_and_a_constant_map_misses(mask):
    plateau = np.zeros((64, 64), np.float32)
    plateau[44:52, 30:40] = 1.0
    np.testing.assert_allclose(pointing_points(plateau)[0], [47.5, 34.5])
    flat = np.full((64, 64), 0.5, np.float32)  # would "point" at the image centre; it carries no information
    assert not pointing_game(flat, np.ones((64, 64), bool))[0]


def test_energy_pointing_game_lies_in_unit_range_and_prefers_the_mask(mask):
    maps = np.stack([blob(48, 32), blob(10, 10), np.zeros((64, 64), np.float32), mask.astype(np.float32)])
    energy = energy_pointing_game(maps, np.stack([mask] * 4))
    assert np.all((energy >= 0) & (energy <= 1))
    assert energy[0] > 0.5 > energy[1]
    assert energy[2] == pytest.approx(mask.mean())  # an empty map counts as uniform
    assert energy[3] == pytest.approx(1.0)


def test_shapes_must_match(mask):
    with pytest.raises(ValueError, match="same shape"):
        pointing_game(np.zeros((2, 64, 64)), np.zeros((2, 32, 32), bool))


def test_random_maps_are_reproducible_and_score_about_the_mask_area(mask):
    maps = random_maps(400, 64, seed=1)
    assert maps.shape == (400, 64, 64) and maps.min() >= 0 and maps.max() == pytest.approx(1)
    np.testing.assert_array_equal(maps[:3], random_maps(3, 64, seed=1))
    masks = np.stack([mask] * 400)
    assert energy_pointing_game(maps, masks).mean() == pytest.approx(mask.mean(), abs=0.02)
    assert pointing_game(maps, masks, tolerance=0).mean() < 0.15  # mask area 4 %


@pytest.fixture(scope="module")
def tiny_model():
    torch.manual_seed(0)
    return GiMeFive(channels=(8, 8, 16, 16, 16), hidden=(32, 32)).eval()


def test_confidence_drop_and_road_on_a_tiny_model(tiny_model, tiny_faces):
    images = tiny_faces.images[:3]
    keep_all, keep_none = np.ones((3, 64, 64), np.float32), np.zeros((3, 64, 64), np.float32)
    np.testing.assert_allclose(confidence_drop(tiny_model, images, keep_all), 0, atol=1e-5)
    drop = confidence_drop(tiny_model, images, keep_none, targets=[0, 1, 2])
    assert drop.shape == (3,) and np.all((drop >= 0) & (drop <= 1))
    road = road_scores(tiny_model, images[:2], random_maps(2, 64), percentiles=(50,))
    assert road.shape == (2,) and np.all(np.abs(road) <= 1)


def test_integrated_gradients_maps(tiny_model, tiny_faces):
    maps = integrated_gradients_maps(tiny_model, tiny_faces.images[:2], targets=[0, 4], n_steps=8)
    assert maps.shape == (2, 64, 64) and maps.max() == pytest.approx(1) and maps.min() >= 0


@pytest.mark.slow
def test_comparison_table_has_every_method_layer_and_the_references(tiny_model, tiny_faces):
    faces = tiny_faces.subset(np.arange(4))
    table = compare_methods(tiny_model, faces.images, faces.masks, ("gradcam", "scorecam"), ["block4", "block5"],
                            slow_images=2, road=False)
    assert list(table["method"]) == ["Grad-CAM", "Grad-CAM", "Score-CAM", "Score-CAM", INTEGRATED_GRADIENTS, RANDOM,
                                     CENTRE]
    assert table.loc[table["method"] == "Score-CAM", "n"].tolist() == [2, 2]
    assert table[["pointing", "energy", "confidence_drop"]].notna().all().all() and table["road"].isna().all()
    with_road = compare_methods(tiny_model, faces.images[:2], None, ("gradcam",), road_percentiles=(50,),
                                references=False)
    assert with_road["pointing"].isna().all() and with_road["road"].notna().all()
    assert with_road["layer"].tolist() == ["block5"]


def test_centre_map_points_at_the_image_centre():
    maps = centre_maps(2, 64)
    assert maps.shape == (2, 64, 64) and maps.max() <= 1
    np.testing.assert_allclose(pointing_points(maps)[0], [31.5, 31.5], atol=0.6)
