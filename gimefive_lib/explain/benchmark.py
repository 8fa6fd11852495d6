"""One table comparing CAM methods x layers and the reference maps (random, centre, Integrated Gradients)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from torch import nn

from gimefive_lib.explain.cams import (
    METHOD_LABELS,
    SLOW_METHODS,
    Targets,
    as_face_batch,
    compute_cams,
    resolve_targets,
    target_layers,
)
from gimefive_lib.explain.map_scores import (
    ROAD_PERCENTILES,
    centre_maps,
    confidence_drop,
    energy_pointing_game,
    integrated_gradients_maps,
    pointing_game,
    random_maps,
    road_scores,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RANDOM = "random map"
CENTRE = "centre map"
INTEGRATED_GRADIENTS = "Integrated Gradients"


def score_maps(
    model: nn.Module, images: np.ndarray, maps: np.ndarray, classes: np.ndarray, masks: np.ndarray | None = None,
    road: bool = True, road_percentiles: Sequence[int] = ROAD_PERCENTILES,
) -> dict[str, float]:
    """Mean pointing game, energy pointing game (both NaN without masks), confidence drop and ROAD of some maps."""
    scores = {"pointing": np.nan, "energy": np.nan}
    if masks is not None:
        scores["pointing"] = float(pointing_game(maps, masks).mean())
        scores["energy"] = float(energy_pointing_game(maps, masks).mean())
    scores["confidence_drop"] = float(confidence_drop(model, images, maps, classes).mean())
    scores["road"] = float(road_scores(model, images, maps, classes, road_percentiles).mean()) if road else np.nan
    return scores


def compare_methods(
    model: nn.Module, images: np.ndarray, masks: np.ndarray | None = None, methods: Sequence[str] = ("gradcam",),
    layers: Sequence[str] | None = None, targets: Targets = "predicted", slow_images: int = 4, road: bool = True,
    road_percentiles: Sequence[int] = ROAD_PERCENTILES, references: bool = True, ig_steps: int = 32, seed: int = 0,
) -> pd.DataFrame:
    """Methods x layers (plus the random map, the centre map and Integrated Gradients) on the same faces and targets.

    Score-CAM and Ablation-CAM need one forward pass per channel, so they see only the first ``slow_images``
    faces (column ``n``). Columns: method, layer, n, pointing, energy, confidence_drop, road, ms_per_image.
    """
    images = as_face_batch(images)
    classes = resolve_targets(model, images, targets)
    layers = list(target_layers(model))[-1:] if layers is None else list(layers)
    rows = []

    def add(method: str, layer: str, n: int, maps: np.ndarray, seconds: float) -> None:
        sub_masks = None if masks is None else np.asarray(masks)[:n]
        scores = score_maps(model, images[:n], maps, classes[:n], sub_masks, road, road_percentiles)
        rows.append({"method": method, "layer": layer, "n": n, **scores, "ms_per_image": 1000 * seconds / max(n, 1)})

    for method in methods:
        n = min(slow_images, len(images)) if method in SLOW_METHODS else len(images)
        for layer in layers:
            started = time.perf_counter()
            maps = compute_cams(model, images[:n], method, layer, classes[:n])
            add(METHOD_LABELS[method], layer, n, maps, time.perf_counter() - started)
    if references:
        started = time.perf_counter()
        maps = integrated_gradients_maps(model, images, classes, n_steps=ig_steps)
        add(INTEGRATED_GRADIENTS, "input", len(images), maps, time.perf_counter() - started)
        add(RANDOM, "-", len(images), random_maps(len(images), images.shape[1:], seed), 0.0)
        add(CENTRE, "-", len(images), centre_maps(len(images), images.shape[1:]), 0.0)
    return pd.DataFrame(rows)


def plot_comparison(table: pd.DataFrame, metric: str = "pointing") -> Figure:
    """Heatmap of one metric, methods x layers, with the reference maps as their own rows (matplotlib figure)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    grid = table.pivot_table(index="method", columns="layer", values=metric, sort=False)
    figure, ax = plt.subplots(figsize=(1.1 * grid.shape[1] + 3, 0.45 * grid.shape[0] + 1.5))
    sns.heatmap(grid, annot=True, fmt=".2f", cmap="viridis", ax=ax, cbar_kws={"label": metric})
    ax.set(title=f"{metric.replace('_', ' ')} by method and layer", xlabel="layer", ylabel="")
    figure.tight_layout()
    return figure
