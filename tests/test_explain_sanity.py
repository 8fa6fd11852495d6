"""The model-randomisation check: copies are randomised top down, the original is untouched, correlation falls."""

from __future__ import annotations

import numpy as np
import torch

from gimefive_lib.explain.sanity import (
    cascading_randomisations,
    randomisation_order,
    randomisation_test,
    rank_correlations,
)
from gimefive_lib.models.gimefive import GiMeFive


def tiny_model() -> GiMeFive:
    torch.manual_seed(0)
    return GiMeFive(channels=(8, 8, 16, 16, 16), hidden=(32, 32)).eval()


def test_stages_are_randomised_cumulatively_from_the_top_on_copies():
    model = tiny_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    copies = cascading_randomisations(model)
    assert [name for name, _ in copies] == randomisation_order(model) == \
        ["classifier", "block5", "block4", "block3", "block2", "block1"]
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), f"{key} of the original changed"
    _, after_classifier = copies[0]
    assert not torch.equal(after_classifier.classifier[0].weight, model.classifier[0].weight)
    assert torch.equal(after_classifier.features.block5[0].weight, model.features.block5[0].weight)
    _, after_block4 = copies[2]
    assert not torch.equal(after_block4.features.block4[0].weight, model.features.block4[0].weight)
    assert torch.equal(after_block4.features.block3[0].weight, model.features.block3[0].weight)


def test_rank_correlation_of_identical_reversed_and_constant_maps():
    a = np.random.default_rng(0).random((1, 8, 8)).astype(np.float32)
    assert rank_correlations(a, a)[0] == np.float32(1.0)
    assert rank_correlations(a, 1 - a)[0] == np.float32(-1.0)
    assert rank_correlations(a, np.zeros_like(a))[0] == 0.0


def test_correlation_with_the_original_maps_falls_as_layers_are_randomised(tiny_faces):
    table = randomisation_test(tiny_model(), tiny_faces.images[:6], "gradcam", "block3")
    assert table["randomised_down_to"].tolist() == ["none", "classifier", "block5", "block4", "block3", "block2",
                                                   "block1"]
    assert table["spearman"].iloc[0] == 1.0
    assert table["spearman"].iloc[-1] < 0.5
