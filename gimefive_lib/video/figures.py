"""Static figures of frames for notebooks: a strip of chosen frames and one large annotated frame."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def frame_strip(images: np.ndarray | list, indices: list[int] | None = None, label: str = "frame") -> Figure:
    """The frames at ``indices`` (default: first, middle, last) side by side, titled with their index."""
    indices = indices if indices is not None else [0, len(images) // 2, len(images) - 1]
    figure, axes = plt.subplots(1, len(indices), figsize=(4 * len(indices), 3.2), squeeze=False)
    for ax, i in zip(axes[0], indices, strict=True):
        ax.imshow(images[i])
        ax.set_title(f"{label} {i}")
        ax.axis("off")
    figure.tight_layout()
    return figure


def show_frame(image: np.ndarray, title: str | None = None, width: float = 7.0) -> Figure:
    """One frame ``width`` inches wide, without axes."""
    figure, ax = plt.subplots(figsize=(width, width * image.shape[0] / image.shape[1]))
    ax.imshow(image)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return figure


def camera_preview(process: Callable[[np.ndarray, float], np.ndarray], image: np.ndarray, title: str) -> Figure:
    """A static picture of what the camera widget shows: ``process`` (the widget's frame processor) applied to one
    RGB frame. It stands beside the live widget for readers without a kernel and camera (GitHub, nbviewer, slides)."""
    return show_frame(process(image, 0.0), title)
