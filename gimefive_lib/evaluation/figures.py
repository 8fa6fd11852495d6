"""Figures of evaluation results: confusion matrices, per-class accuracy, accuracy with confidence intervals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import seaborn as sns

from gimefive_lib.labels import EMOTIONS


def confusion_matrix_axes(ax, matrix, title: str = "") -> None:
    """Draw a row-normalised confusion matrix (rows = true emotion) with counts in the cells."""
    matrix = np.asarray(matrix)
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    sns.heatmap(
        rates,
        annot=matrix,
        fmt="d",
        cmap="Blues",
        vmin=0,
        vmax=1,
        cbar=False,
        ax=ax,
        xticklabels=EMOTIONS,
        yticklabels=EMOTIONS,
    )
    ax.tick_params(axis="y", rotation=0)  # horizontal row names: rotated ones overlap their neighbours
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)


def confusion_matrices_figure(matrices: dict[str, list], columns: int = 3) -> plt.Figure:
    """A grid of confusion matrices, one per model (or split)."""
    rows = -(-len(matrices) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 4.2 * rows), squeeze=False)
    for ax, (name, matrix) in zip(axes.flat, matrices.items(), strict=False):
        confusion_matrix_axes(ax, matrix, name)
    for ax in axes.flat[len(matrices) :]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def per_class_heatmap(table: pd.DataFrame, title: str = "per-class accuracy") -> plt.Figure:
    """Models x emotions accuracy heat map."""
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(table) + 1.5))
    sns.heatmap(table.astype(float), annot=True, fmt=".2f", cmap="viridis", vmin=0, vmax=1, ax=ax)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def accuracy_ci_figure(table: pd.DataFrame, title: str = "test accuracy with 95 % bootstrap CI") -> go.Figure:
    """Test accuracy per model with its bootstrap confidence interval as error bars (plotly)."""
    fig = go.Figure(
        go.Bar(
            x=table.index,
            y=table["test_acc"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": table["test_ci_high"] - table["test_acc"],
                "arrayminus": table["test_acc"] - table["test_ci_low"],
            },
        )
    )
    fig.update_layout(title=title, yaxis_title="accuracy", yaxis_range=[0, 1], height=380, width=700)
    return fig
