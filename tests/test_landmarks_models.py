"""Landmark classifiers (MLP, randomised network, six-way), Integrated Gradients rankings and progressive pruning."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gimefive_lib.data.regions import IBUG68
from gimefive_lib.landmarks.attribution import landmark_attributions, make_baseline, rank_landmarks
from gimefive_lib.landmarks.classifiers import (
    ClassifierConfig,
    balanced_weights,
    ensemble_predict,
    fit_binary_models,
    fit_classifier,
    inference_seconds,
)
from gimefive_lib.landmarks.features import normalize_landmarks
from gimefive_lib.landmarks.pruning import check_schedule, prune_emotion


@pytest.fixture(scope="module")
def points_and_labels(tiny_faces) -> tuple[np.ndarray, np.ndarray]:
    """Normalised exact landmarks and labels of the 240 tiny synthetic faces."""
    return normalize_landmarks(tiny_faces.landmarks, IBUG68), tiny_faces.labels


@pytest.mark.parametrize("kind", ["mlp", "random"])
def test_binary_models_separate_their_emotion_from_the_rest(points_and_labels, kind):
    points, labels = points_and_labels
    models = fit_binary_models(points, labels, ClassifierConfig(kind=kind))
    scores = [m.evaluate(points, labels)["balanced_accuracy"] for m in models]
    assert min(scores) > 0.8, scores
    assert [m.emotion for m in models] == list(range(6))
    assert np.mean(ensemble_predict(models, points) == labels) > 0.7
    assert all(m.train_seconds > 0 for m in models)


def test_six_way_model_and_fewer_landmarks_mean_fewer_parameters(points_and_labels):
    points, labels = points_and_labels
    six = fit_classifier(points, labels, None, ClassifierConfig(kind="random"))
    assert six.logits(points).shape == (240, 6)
    assert six.evaluate(points, labels)["accuracy"] > 0.7
    small = fit_classifier(points, labels, 0, ClassifierConfig(kind="random"), landmarks=np.arange(48, 68))
    full = fit_classifier(points, labels, 0, ClassifierConfig(kind="random"))
    assert small.n_parameters < full.n_parameters and small.network(small.inputs(points[:2])).shape == (2, 1)
    assert all(t > 0 for t in inference_seconds([small, full], points[:10], batch_size=32, repeats=3))


def test_classifier_inputs_are_checked(points_and_labels):
    points, labels = points_and_labels
    with pytest.raises(ValueError, match="unknown classifier kind"):
        ClassifierConfig(kind="svm")
    with pytest.raises(ValueError, match="subset of 0..67"):
        fit_classifier(points, labels, 0, landmarks=np.array([70]))
    with pytest.raises(ValueError, match="no training samples"):
        balanced_weights(np.zeros(5, dtype=np.int64), 2)
    np.testing.assert_allclose(balanced_weights(np.array([0, 0, 0, 1]), 2), [2 / 3, 2 / 3, 2 / 3, 2.0])


def test_baselines(points_and_labels):
    points, labels = points_and_labels
    assert np.all(make_baseline("zeros", points, labels, 0) == 0)
    np.testing.assert_allclose(make_baseline("others", points, labels, 2), points[labels != 2].mean(0), atol=1e-6)
    np.testing.assert_allclose(make_baseline("neutral", points, labels, 2, points[:5]), points[:5].mean(0), atol=1e-6)
    with pytest.raises(ValueError, match="neutral faces"):
        make_baseline("neutral", points, labels, 0, None)
    with pytest.raises(ValueError, match="unknown baseline"):
        make_baseline("median", points, labels, 0)


def test_integrated_gradients_find_the_only_landmark_a_model_reads(points_and_labels):
    points, labels = points_and_labels
    model = fit_classifier(points, labels, 0, ClassifierConfig(kind="random"))
    with torch.no_grad():  # keep only the inputs of landmark 5 (x and y) in the first random layer
        mask = torch.zeros(136)
        mask[10:12] = 1.0
        model.network.hidden[0].weight.mul_(mask)
    importance, delta = landmark_attributions(model, points[:20], make_baseline("others", points, labels, 0))
    assert importance.shape == (20, 68)
    assert np.all(importance[:, 5] > 0) and np.allclose(np.delete(importance, 5, axis=1), 0.0)
    assert np.abs(delta).max() < 1e-2 * max(1e-3, np.abs(importance).sum(axis=1).max())


def test_global_ranking_is_normalised_and_ordered(points_and_labels):
    points, labels = points_and_labels
    model = fit_classifier(points, labels, 1, ClassifierConfig(kind="random"))
    ranking = rank_landmarks(model, points, labels, make_baseline("zeros", points, labels, 1), n_steps=8)
    assert ranking.importance.sum() == pytest.approx(1.0)
    assert ranking.importance[np.searchsorted(ranking.landmarks, ranking.order[0])] == ranking.importance.max()
    assert len(ranking.top(10)) == 10 and ranking.full(68).shape == (68,)
    with pytest.raises(ValueError, match="binary"):
        rank_landmarks(fit_classifier(points, labels, None, ClassifierConfig(kind="random")), points, labels,
                       ranking.full(68)[:, None].repeat(2, 1))


def test_schedules_larger_than_the_landmark_count_are_errors():
    assert check_schedule([16, 68, 4, 16], 68) == (68, 16, 4)
    assert check_schedule([32, 8], 68) == (68, 32, 8)  # all landmarks are always the reference
    with pytest.raises(ValueError, match=r"\[468, 256\] landmarks but the faces have only 68"):
        check_schedule([468, 256, 32], 68)
    with pytest.raises(ValueError, match="k >= 1"):
        check_schedule([0], 68)


@pytest.mark.parametrize("rerank", [True, False])
def test_progressive_pruning_keeps_nested_top_landmarks(points_and_labels, rerank):
    points, labels = points_and_labels
    train, val = (points[:180], labels[:180]), (points[180:], labels[180:])
    baseline = make_baseline("others", *train, 0)
    result = prune_emotion(0, train, val, baseline, (68, 16, 4), ClassifierConfig(kind="random"), rerank, n_steps=8)
    assert [s.k for s in result.steps] == [68, 16, 4]
    kept = [set(s.model.landmarks.tolist()) for s in result.steps]
    assert kept[2] <= kept[1] <= kept[0] and len(kept[2]) == 4
    if not rerank:
        assert kept[2] == set(result.full.ranking.top(4).tolist())
    assert result.chosen.k in (68, 16, 4)
    assert all(np.isfinite(s.inference_seconds) and s.summary()["parameters"] > 0 for s in result.steps)
    assert result.steps[2].model.n_parameters < result.steps[0].model.n_parameters
