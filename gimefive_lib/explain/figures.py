"""Static figures of maps: one face with its map and class probabilities, a grid of faces, the sanity check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gimefive_lib.explain.cams import METHOD_LABELS, Explanation, overlay
from gimefive_lib.labels import EMOTIONS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_explanation(explanation: Explanation, opacity: float = 0.5) -> Figure:
    """The face, its map over the face, and the class probabilities beside it (matplotlib figure)."""
    import matplotlib.pyplot as plt

    figure, (face_ax, map_ax, bar_ax) = plt.subplots(1, 3, figsize=(9.5, 3.1), width_ratios=(1, 1, 1.3))
    face_ax.imshow(explanation.image, cmap="gray", vmin=0, vmax=255)
    face_ax.set_title(f"predicted: {EMOTIONS[explanation.predicted]}", fontsize=9)
    map_ax.imshow(overlay(explanation.image, explanation.cam, opacity))
    label = METHOD_LABELS.get(explanation.method, explanation.method)
    map_ax.set_title(f"{label} @ {explanation.layer}\nexplains: {EMOTIONS[explanation.target]}", fontsize=9)
    for ax in (face_ax, map_ax):
        ax.axis("off")
    colors = ["tab:orange" if k == explanation.target else "tab:blue" for k in range(len(EMOTIONS))]
    bar_ax.barh(EMOTIONS, explanation.probabilities, color=colors)
    bar_ax.set(xlim=(0, 1), xlabel="probability")
    bar_ax.invert_yaxis()
    for k, p in enumerate(explanation.probabilities):
        bar_ax.text(min(p + 0.02, 0.8), k, f"{p:.2f}", va="center", fontsize=8)
    figure.tight_layout()
    return figure


def plot_cam_grid(
    images: np.ndarray, cams: np.ndarray, titles: Sequence[str] | None = None, opacity: float = 0.5,
    columns: int = 8, title: str = "",
) -> Figure:
    """Maps over a grid of faces (matplotlib figure)."""
    import matplotlib.pyplot as plt

    n = len(images)
    columns = max(1, min(columns, n))
    rows = max(1, int(np.ceil(n / columns)))
    figure, axes = plt.subplots(rows, columns, figsize=(1.45 * columns, 1.6 * rows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for i, ax in enumerate(axes.ravel()[:n]):
        ax.imshow(overlay(images[i], cams[i], opacity))
        if titles is not None:
            ax.set_title(titles[i], fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def plot_method_row(image: np.ndarray, maps: dict[str, np.ndarray], opacity: float = 0.5) -> Figure:
    """One face under several methods (or layers) side by side; ``maps`` maps a caption to a map (matplotlib figure)."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(maps) + 1, figsize=(1.7 * (len(maps) + 1), 2.0), squeeze=False)
    axes[0, 0].imshow(image, cmap="gray", vmin=0, vmax=255)
    axes[0, 0].set_title("face", fontsize=8)
    for ax, (caption, cam) in zip(axes[0, 1:], maps.items(), strict=True):
        ax.imshow(overlay(image, cam, opacity))
        ax.set_title(caption, fontsize=8)
    for ax in axes.ravel():
        ax.axis("off")
    figure.tight_layout()
    return figure


def plot_randomisation(table: pd.DataFrame, title: str = "model-randomisation sanity check") -> Figure:
    """Rank correlation with the trained model's maps as layers are randomised from the top (matplotlib figure)."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6.5, 3.2))
    for name, part in table.groupby("method", sort=False) if "method" in table else [("", table)]:
        ax.errorbar(part["randomised_down_to"], part["spearman"], yerr=part["spearman_std"], marker="o", capsize=3,
                    label=name or None)
    ax.axhline(0, color="gray", lw=0.8)
    ax.set(ylim=(-0.3, 1.05), xlabel="randomised from the top down to", ylabel="Spearman rank correlation", title=title)
    if "method" in table:
        ax.legend(fontsize=8)
    figure.tight_layout()
    return figure
