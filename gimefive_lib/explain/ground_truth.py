"""A real model's explanations checked against exact ground truth: the shipped RAF-DB GiMeFive on the synthetic
faces it classifies correctly, where every face carries the pixels its action units changed (its evidence mask).

Each CAM method and Integrated Gradients is scored with the pointing game (does the map's peak fall on the evidence?)
and the energy pointing game (which share of the map's mass does), beside the random and the centre map, with
bootstrap intervals over the faces: a method is informative only where its interval clears the references'.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from torch import nn

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.evaluation.significance import bootstrap_mean_ci
from gimefive_lib.explain.benchmark import CENTRE, INTEGRATED_GRADIENTS, RANDOM
from gimefive_lib.explain.cams import METHOD_LABELS, METHOD_NAMES, SLOW_METHODS, compute_cams, target_layers
from gimefive_lib.explain.map_scores import (
    centre_maps,
    energy_pointing_game,
    integrated_gradients_maps,
    pointing_game,
    random_maps,
)
from gimefive_lib.models.prediction import predict_labels

FAST_METHODS: tuple[str, ...] = tuple(m for m in METHOD_NAMES if m not in SLOW_METHODS)


def correctly_classified(model: nn.Module, faces: FaceSet, limit: int | None = None) -> tuple[FaceSet, float]:
    """The faces the model gets right (at most ``limit``, in order) and its accuracy on all of them."""
    right = predict_labels(model, faces.images, flip_tta=True) == faces.labels
    chosen = np.flatnonzero(right)[:limit]
    return faces.subset(chosen), float(right.mean()) if len(right) else float("nan")


def ground_truth_table(
    model: nn.Module, faces: FaceSet, methods: Sequence[str] = FAST_METHODS, layer: str | None = None,
    ig_steps: int = 32, n_resamples: int = 2000, seed: int = 0,
) -> pd.DataFrame:
    """Pointing game and energy pointing game (means and 95 % bootstrap intervals) of each method's maps of the
    true class, and of the random and centre maps, on ``faces`` (which need evidence masks). ``layer`` defaults to
    the model's last block."""
    if faces.masks is None:
        raise ValueError(f"{faces.name}: no evidence masks; use the synthetic faces")
    layer = layer or list(target_layers(model))[-1]
    images, masks, classes = faces.images, faces.masks, faces.labels
    rows = []

    def add(method: str, where: str, maps: np.ndarray, seconds: float) -> None:
        hits, energy = pointing_game(maps, masks).astype(float), energy_pointing_game(maps, masks)
        (p_low, p_high), (e_low, e_high) = (bootstrap_mean_ci(v, n_resamples, seed=seed) for v in (hits, energy))
        rows.append({"method": method, "layer": where, "n": len(maps), "pointing": hits.mean(), "pointing_low": p_low,
                     "pointing_high": p_high, "energy": energy.mean(), "energy_low": e_low, "energy_high": e_high,
                     "ms_per_image": 1000 * seconds / max(len(maps), 1)})

    for method in methods:
        started = time.perf_counter()
        add(METHOD_LABELS[method], layer, compute_cams(model, images, method, layer, classes),
            time.perf_counter() - started)
    started = time.perf_counter()
    add(INTEGRATED_GRADIENTS, "input", integrated_gradients_maps(model, images, classes, n_steps=ig_steps),
        time.perf_counter() - started)
    add(RANDOM, "-", random_maps(len(images), images.shape[1:], seed), 0.0)
    add(CENTRE, "-", centre_maps(len(images), images.shape[1:]), 0.0)
    return pd.DataFrame(rows)
