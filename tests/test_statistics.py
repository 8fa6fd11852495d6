"""Bootstrap intervals contain the accuracy and shrink with more faces; McNemar separates real differences."""

import numpy as np
import pytest

from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test


def test_bootstrap_interval_contains_the_accuracy_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, 2000)
    predictions = np.where(rng.random(2000) < 0.8, labels, (labels + 1) % 6)
    low, high = bootstrap_accuracy_ci(labels, predictions)
    accuracy = (labels == predictions).mean()
    assert low < accuracy < high and high - low < 0.05
    small_low, small_high = bootstrap_accuracy_ci(labels[:100], predictions[:100])
    assert small_high - small_low > high - low


def test_bootstrap_refuses_an_empty_test_set():
    with pytest.raises(ValueError):
        bootstrap_accuracy_ci(np.array([]), np.array([]))


def test_mcnemar_counts_discordant_faces_and_detects_a_real_difference():
    labels = np.zeros(200, dtype=int)
    a = np.zeros(200, dtype=int)  # always right
    b = np.where(np.arange(200) < 40, 1, 0)  # wrong on 40 faces
    result = mcnemar_test(labels, a, b)
    assert (result["a_only"], result["b_only"]) == (40, 0)
    assert result["p_value"] < 1e-6
    assert mcnemar_test(labels, a, a)["p_value"] == 1.0
