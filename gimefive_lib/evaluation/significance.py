"""Uncertainty of accuracies: bootstrap confidence intervals and McNemar's test between two classifiers."""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest


def bootstrap_accuracy_ci(
    labels: np.ndarray, predictions: np.ndarray, n_resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the accuracy (resampling test faces with replacement)."""
    correct = (np.asarray(labels) == np.asarray(predictions)).astype(np.float64)
    if correct.size == 0:
        raise ValueError("cannot bootstrap an accuracy over zero faces")
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, correct.size, size=(n_resamples, correct.size))
    accuracies = correct[samples].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(accuracies, [tail, 100 - tail])
    return float(low), float(high)


def mcnemar_test(labels: np.ndarray, predictions_a: np.ndarray, predictions_b: np.ndarray) -> dict:
    """Exact McNemar test on the faces exactly one of two classifiers gets right.

    Returns ``a_only`` (A right, B wrong), ``b_only`` and the two-sided ``p_value``.
    """
    labels = np.asarray(labels)
    right_a = np.asarray(predictions_a) == labels
    right_b = np.asarray(predictions_b) == labels
    a_only = int(np.sum(right_a & ~right_b))
    b_only = int(np.sum(~right_a & right_b))
    discordant = a_only + b_only
    p_value = 1.0 if discordant == 0 else float(binomtest(a_only, discordant, 0.5).pvalue)
    return {"a_only": a_only, "b_only": b_only, "p_value": p_value}


def bootstrap_mean_ci(
    values: np.ndarray, n_resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of per-face ``values`` (hits as 0/1, or shares)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("cannot bootstrap a mean over zero values")
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, size=(n_resamples, values.size))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)
