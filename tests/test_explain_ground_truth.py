"""A real model's maps against the synthetic faces' exact evidence, beside the random and centre maps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gimefive_lib.evaluation.significance import bootstrap_mean_ci
from gimefive_lib.explain.benchmark import CENTRE, RANDOM
from gimefive_lib.explain.ground_truth import correctly_classified, ground_truth_table
from gimefive_lib.models.gimefive import GiMeFive


@pytest.fixture(scope="module")
def tiny_model() -> GiMeFive:
    """A GiMeFive with few channels (the same five blocks), untrained."""
    torch.manual_seed(0)
    return GiMeFive(channels=(8, 8, 16, 16, 16), hidden=(32, 32)).eval()


def test_bootstrap_mean_interval_brackets_the_mean_and_narrows_with_more_faces():
    rng = np.random.default_rng(0)
    few, many = rng.random(20) < 0.7, rng.random(2000) < 0.7
    low, high = bootstrap_mean_ci(few)
    assert low <= few.mean() <= high
    assert np.subtract(*bootstrap_mean_ci(many)[::-1]) < high - low
    with pytest.raises(ValueError):
        bootstrap_mean_ci(np.array([]))


def test_the_table_scores_every_method_and_the_references_on_correct_faces(tiny_model, tiny_faces):
    faces, accuracy = correctly_classified(tiny_model, tiny_faces, limit=8)
    assert 0.0 <= accuracy <= 1.0 and len(faces) <= 8
    if len(faces) < 2:
        faces = tiny_faces.subset(np.arange(8))  # an untrained model may get few right; the table still works
    table = ground_truth_table(tiny_model, faces, methods=("gradcam", "layercam"), ig_steps=4, n_resamples=200)
    assert list(table.method) == ["Grad-CAM", "LayerCAM", "Integrated Gradients", RANDOM, CENTRE]
    assert (table.n == len(faces)).all()
    assert ((table.pointing_low <= table.pointing) & (table.pointing <= table.pointing_high)).all()
    assert table[["pointing", "energy"]].apply(lambda c: c.between(0, 1)).all().all()


def test_faces_without_masks_are_refused(tiny_model, tiny_faces):
    from dataclasses import replace

    with pytest.raises(ValueError, match="no evidence masks"):
        ground_truth_table(tiny_model, replace(tiny_faces, masks=None))
