"""Layer activations with Captum's LayerActivation: feature maps per conv block, top channels, first-layer filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch
from captum.attr import LayerActivation
from torch import nn

from gimefive_lib.data.preprocess import faces_to_tensor
from gimefive_lib.devices import model_device
from gimefive_lib.explain.cams import as_face_batch, resolve_layer, target_layers
from gimefive_lib.labels import EMOTIONS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@torch.no_grad()
def block_activations(model: nn.Module, image: np.ndarray, layers: list[str] | None = None) -> dict[str, np.ndarray]:
    """Feature maps ``(C, h, w)`` of one uint8 face at each named block (all conv blocks by default)."""
    names = list(target_layers(model)) if layers is None else list(layers)
    modules = [resolve_layer(model, name) for name in names]
    model.eval()
    x = faces_to_tensor(as_face_batch(image)[:1], model_device(model))
    outputs = LayerActivation(model, modules).attribute(x)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return {name: out[0].float().cpu().numpy() for name, out in zip(names, outputs, strict=True)}


@torch.no_grad()
def channel_means(model: nn.Module, images: np.ndarray, layer: str, batch_size: int = 128) -> np.ndarray:
    """Mean activation of every channel of one block for each face ``(N, C)``."""
    images = as_face_batch(images)
    model.eval()
    probe = LayerActivation(model, resolve_layer(model, layer))
    out = [probe.attribute(faces_to_tensor(images[i : i + batch_size], model_device(model))).float().mean(dim=(2, 3))
           for i in range(0, len(images), batch_size)]
    return torch.cat(out).cpu().numpy()


def emotion_channel_table(means: np.ndarray, labels: np.ndarray, k: int = 12) -> pd.DataFrame:
    """Mean activation per emotion (rows) of the ``k`` most emotion-selective channels (columns).

    Selectivity is the spread of a channel's emotion means relative to its overall mean, (max - min) / mean.
    """
    frame = pd.DataFrame(means).groupby(np.asarray(labels)).mean()
    frame.index = [EMOTIONS[int(i)] for i in frame.index]
    spread = (frame.max() - frame.min()) / (frame.mean() + 1e-6)
    chosen = spread.sort_values(ascending=False).index[:k]
    return frame[chosen].rename(columns=lambda c: f"ch {c}")


def top_channels(activation: np.ndarray, k: int = 8) -> np.ndarray:
    """Indices of the ``k`` channels of a ``(C, h, w)`` activation with the largest mean, strongest first."""
    if activation.ndim != 3:
        raise ValueError(f"expected an activation of shape (C, h, w), got {activation.shape}")
    means = activation.mean(axis=(1, 2))
    return np.argsort(-means, kind="stable")[: max(0, min(k, len(means)))]


def first_layer_filters(model: nn.Module) -> np.ndarray:
    """The first conv layer's kernels ``(C_out, kh, kw)``, summed over the three (identical gray) input channels."""
    for layer in model.modules():
        if isinstance(layer, nn.Conv2d):
            return layer.weight.detach().float().cpu().sum(dim=1).numpy()
    raise ValueError(f"{type(model).__name__} has no Conv2d layer")


def orientation_scores(activation: np.ndarray) -> np.ndarray:
    """Per channel of a ``(C, h, w)`` activation: +1 = its map varies only down the rows (it fires on horizontal
    edges and lines), -1 = only along the columns (vertical ones), 0 = neither or both (blobs, flat maps)."""
    if activation.ndim != 3:
        raise ValueError(f"expected an activation of shape (C, h, w), got {activation.shape}")
    activation = activation.astype(np.float64)
    down = np.abs(np.diff(activation, axis=1)).mean(axis=(1, 2))
    across = np.abs(np.diff(activation, axis=2)).mean(axis=(1, 2))
    return ((down - across) / np.maximum(down + across, 1e-12)).astype(np.float32)


def edge_like_kernels(filters: np.ndarray, threshold: float = 0.8) -> np.ndarray:
    """Which ``(C, k, k)`` kernels look like edge detectors (positive on one side, negative on the other): those
    whose odd part, ``(w - w rotated by 180 degrees) / 2``, carries more than ``threshold`` of their energy."""
    filters = np.asarray(filters, dtype=np.float64)
    odd = (filters - filters[:, ::-1, ::-1]) / 2
    energy = (filters**2).sum(axis=(1, 2))
    return (odd**2).sum(axis=(1, 2)) > threshold * np.maximum(energy, 1e-12)


def _grid_shape(n: int, columns: int) -> tuple[int, int]:
    columns = max(1, min(columns, n))
    return int(np.ceil(n / columns)), columns


def plot_channel_grid(
    activation: np.ndarray, channels: np.ndarray | list[int], title: str = "", columns: int = 8
) -> Figure:
    """Feature maps of the chosen channels side by side, each scaled to its own range (matplotlib figure)."""
    import matplotlib.pyplot as plt

    channels = [int(c) for c in channels]
    rows, cols = _grid_shape(max(1, len(channels)), columns)
    figure, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.5 * rows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, c in zip(axes.ravel(), channels, strict=False):
        ax.imshow(activation[c], cmap="viridis", interpolation="nearest")
        ax.set_title(f"ch {c}\nmean {activation[c].mean():.2f}", fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def plot_block_overview(image: np.ndarray, activations: dict[str, np.ndarray], k: int = 6) -> Figure:
    """One row per block: the face, then the ``k`` strongest channels of that block (matplotlib figure)."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(activations), k + 1, figsize=(1.3 * (k + 1), 1.4 * len(activations)),
                                squeeze=False)
    for row, (name, act) in zip(axes, activations.items(), strict=True):
        for ax in row:
            ax.axis("off")
        row[0].imshow(image, cmap="gray", vmin=0, vmax=255)
        row[0].set_title(f"{name} {act.shape[1]}x{act.shape[2]}", fontsize=8)
        for ax, c in zip(row[1:], top_channels(act, k), strict=False):
            ax.imshow(act[c], cmap="viridis", interpolation="nearest")
            ax.set_title(f"ch {c}", fontsize=7)
    figure.tight_layout()
    return figure


def plot_filters(filters: np.ndarray, columns: int = 16, which: str = "") -> Figure:
    """The first-layer kernels as small gray images, each scaled symmetrically around 0 (matplotlib figure);
    ``which`` names the model in the title (e.g. ``trained`` or ``untrained``)."""
    import matplotlib.pyplot as plt

    rows, cols = _grid_shape(len(filters), columns)
    figure, axes = plt.subplots(rows, cols, figsize=(0.6 * cols, 0.6 * rows + 0.3), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, kernel in zip(axes.ravel(), filters, strict=False):
        limit = float(np.abs(kernel).max()) or 1.0
        ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
    prefix = f"{which} GiMeFive, " if which else ""
    figure.suptitle(f"{prefix}first conv layer: {len(filters)} kernels {filters.shape[1]}x{filters.shape[2]}",
                    fontsize=10)
    figure.tight_layout()
    return figure
