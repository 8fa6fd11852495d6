"""bench/synthetic_transfer.py's figures: per-class accuracy over the classes present, and where predictions go."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench(load_bench):
    return load_bench("synthetic_transfer")


def test_transfer_figures_count_where_the_predictions_go(bench):
    labels, predictions = np.array([0, 0, 1, 1, 5, 5]), np.array([0, 5, 5, 1, 5, 5])
    figures = bench.transfer_figures(predictions, labels)
    assert figures["per_class"] == {"happiness": 0.5, "surprise": 0.5, "fear": 1.0}  # absent classes left out
    assert figures["mean_per_class"] == pytest.approx(2 / 3)
    assert figures["predicted"] == {"happiness": 1, "surprise": 1, "sadness": 0, "anger": 0, "disgust": 0, "fear": 4}
    assert figures["confusion_matrix"][1] == [0, 1, 0, 0, 0, 1]  # one surprised face right, one called fear
    assert figures["confusion_matrix"][0][5] == 1 and sum(map(sum, figures["confusion_matrix"])) == 6


def test_the_real_face_subset_is_balanced_and_fixed(bench):
    labels = np.repeat(np.arange(6), [50, 3, 20, 20, 20, 20])
    chosen = bench.balanced_subset(labels, 10)
    assert np.bincount(labels[chosen]).tolist() == [10, 3, 10, 10, 10, 10]
    assert np.array_equal(chosen, bench.balanced_subset(labels, 10)) and np.all(np.diff(chosen) > 0)


def test_keep_rows_shows_one_part_of_each_face_on_its_mean_grey(bench):
    faces = np.stack([np.arange(64 * 64).reshape(64, 64) % 251, np.full((64, 64), 7)]).astype(np.uint8)
    mouth = bench.keep_rows(faces, 0.625, 1.0)
    assert np.array_equal(mouth[:, 40:], faces[:, 40:])  # rows 40-63 of a 64-row face kept as they are
    assert np.all(mouth[0, :40] == round(float(faces[0].mean()))) and np.all(mouth[1] == 7)
    top = bench.keep_rows(faces, 0.0, 0.625)
    assert np.array_equal(top[:, :40], faces[:, :40]) and np.all(top[0, 40:] == round(float(faces[0].mean())))
    assert mouth.dtype == np.uint8 and mouth.shape == faces.shape


def test_swap_rows_puts_one_part_of_a_face_beside_the_rest_of_another_class(bench):
    labels = np.array([0, 0, 1, 2, 2, 5])
    partners = bench.other_class_partners(labels)
    assert np.all(labels[partners] != labels) and np.array_equal(partners, bench.other_class_partners(labels))
    faces = (np.arange(6)[:, None, None] * 40 + np.zeros((1, 64, 64))).astype(np.uint8)  # face i is all 40 * i
    top = bench.swap_rows(faces, partners, 0.0, 0.625)
    assert np.all(top[:, :40] == faces[:, :40])  # the eyes and brows kept
    assert np.array_equal(top[:, 40:], faces[partners, 40:])  # the mouth from the partner
    assert top.dtype == np.uint8 and top.shape == faces.shape
