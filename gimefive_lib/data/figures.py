"""Figures of the data: class counts (plotly, seaborn), sample grids, evidence masks and landmarks, preprocessing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.express as px
import seaborn as sns
from matplotlib.figure import Figure

from gimefive_lib.data.detection import Box, HaarFaceDetector
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import FACE_SIZE, faces_to_tensor, resize_face, to_gray
from gimefive_lib.data.synthetic.action_units import ACTION_UNITS, AU_NAMES, AU_REGIONS
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES

if TYPE_CHECKING:
    import plotly.graph_objects as go

EVIDENCE_COLOR = (0.9, 0.1, 0.1)


def class_count_frame(sets: Mapping[str, FaceSet]) -> pd.DataFrame:
    """Long table of faces per class: one row per (split, emotion) with ``count`` and ``share`` (percent of split)."""
    rows = []
    for split, faces in sets.items():
        counts = faces.class_counts()
        total = max(int(counts.sum()), 1)
        rows += [
            {"split": split, "emotion": EMOTIONS[k], "count": int(counts[k]), "share": 100.0 * counts[k] / total}
            for k in range(NUM_CLASSES)
        ]
    return pd.DataFrame(rows, columns=["split", "emotion", "count", "share"])


def action_unit_frame() -> pd.DataFrame:
    """The synthetic faces' recipe: for each emotion its action units, what they move and the face regions."""
    rows = [
        {
            "emotion": emotion,
            "action units": " + ".join(f"AU{au}" for au in units),
            "movements": ", ".join(AU_NAMES[au] for au in units),
            "regions (evidence mask)": ", ".join(dict.fromkeys(AU_REGIONS[au] for au in units)),
        }
        for emotion, units in ACTION_UNITS.items()
    ]
    return pd.DataFrame(rows).set_index("emotion")


def class_counts_plotly(frame: pd.DataFrame, title: str = "Faces per class") -> go.Figure:
    """Interactive grouped bar chart of :func:`class_count_frame` (hover shows count and share)."""
    figure = px.bar(
        frame,
        x="emotion",
        y="count",
        color="split",
        barmode="group",
        hover_data={"share": ":.1f"},
        category_orders={"emotion": list(EMOTIONS)},
        title=title,
    )
    figure.update_layout(yaxis_title="faces", xaxis_title=None, legend_title="split")
    return figure


def class_counts_seaborn(frame: pd.DataFrame, title: str = "Faces per class") -> Figure:
    """Static grouped bar chart of :func:`class_count_frame` with the count written on each bar."""
    figure, ax = plt.subplots(figsize=(8, 3.6))
    sns.barplot(data=frame, x="emotion", y="count", hue="split", order=list(EMOTIONS), ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fontsize=7, padding=1)
    ax.set(title=title, xlabel=None, ylabel="faces")
    figure.tight_layout()
    return figure


def sample_grid(faces: FaceSet, per_class: int = 8, seed: int = 0) -> Figure:
    """A grid with one row per emotion and ``per_class`` random faces of that class (blank where a class is short)."""
    rng = np.random.default_rng(seed)
    figure, axes = plt.subplots(NUM_CLASSES, per_class, figsize=(per_class * 1.05, NUM_CLASSES * 1.15), squeeze=False)
    for k, row in enumerate(axes):
        index = np.flatnonzero(faces.labels == k)
        chosen = rng.choice(index, size=min(per_class, len(index)), replace=False) if len(index) else []
        for ax in row:
            ax.axis("off")
        for ax, i in zip(row, chosen, strict=False):
            ax.imshow(faces.images[i], cmap="gray", vmin=0, vmax=255)
        row[0].text(-0.1, 0.5, EMOTIONS[k], transform=row[0].transAxes, ha="right", va="center", fontsize=10)
    figure.suptitle(f"{faces.name}: {per_class} random faces per class", fontsize=11)
    figure.tight_layout()
    return figure


def pick_per_class(labels: np.ndarray, per_class: int = 1, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` random faces of every class, class by class."""
    rng = np.random.default_rng(seed)
    picks = [
        rng.choice(np.flatnonzero(labels == k), size=min(per_class, int(np.sum(labels == k))), replace=False)
        for k in range(NUM_CLASSES)
    ]
    return np.concatenate(picks).astype(int)


def evidence_overlays(faces: FaceSet, index: Sequence[int] | None = None, seed: int = 0) -> Figure:
    """For each chosen face (default: one per class): the face, its ground-truth evidence mask and its landmarks."""
    if faces.masks is None or faces.landmarks is None:
        raise ValueError(f"{faces.name} has no evidence masks or landmarks (only synthetic faces carry them)")
    index = pick_per_class(faces.labels, 1, seed) if index is None else np.asarray(index)
    figure, axes = plt.subplots(3, len(index), figsize=(1.6 * len(index), 5.1), squeeze=False)
    for column, i in enumerate(index):
        face, mask, points = faces.images[i], faces.masks[i], faces.landmarks[i]
        overlay = np.zeros((*mask.shape, 4))
        overlay[mask] = (*EVIDENCE_COLOR, 0.5)
        for ax in axes[:, column]:
            ax.imshow(face, cmap="gray", vmin=0, vmax=255)
            ax.axis("off")
        axes[1, column].imshow(overlay)
        axes[2, column].scatter(points[:, 0], points[:, 1], s=3, c="lime", linewidths=0)
        # the frame is the face crop: jaw points the aligned framing cuts off stay outside, the face keeps its size
        axes[2, column].set(xlim=(-0.5, face.shape[1] - 0.5), ylim=(face.shape[0] - 0.5, -0.5))
        axes[0, column].set_title(EMOTIONS[faces.labels[i]], fontsize=9)
    for row, name in enumerate(("face", "evidence mask", "68 landmarks")):
        axes[row, 0].text(-0.08, 0.5, name, transform=axes[row, 0].transAxes, ha="right", va="center", fontsize=9)
    figure.tight_layout()
    return figure


def image_row(images: Sequence[np.ndarray], titles: Sequence[str], title: str | None = None) -> Figure:
    """Grayscale images side by side with a title under each (e.g. a clip from neutral to apex)."""
    figure, axes = plt.subplots(1, len(images), figsize=(1.3 * len(images), 1.7), squeeze=False)
    for ax, image, caption in zip(axes[0], images, titles, strict=True):
        ax.imshow(image, cmap="gray", vmin=0, vmax=255)
        ax.set_title(caption, fontsize=8)
        ax.axis("off")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


@dataclass
class PreprocessingSteps:
    """Every intermediate image of the preprocessing of one photo, in the order the model input is made."""

    image: np.ndarray  # the photo (RGB or gray)
    box: Box  # the largest face the Haar detector found
    crop: np.ndarray  # the face box cut out of the photo
    gray: np.ndarray  # the crop in grayscale
    face: np.ndarray  # resized to size x size, uint8: what the caches store
    model_input: np.ndarray  # (3, size, size) float: gray repeated to 3 channels, ImageNet-normalised


def preprocessing_steps(
    image: np.ndarray, detector: HaarFaceDetector | None = None, size: int = FACE_SIZE
) -> PreprocessingSteps:
    """Detect, crop, grayscale, resize and normalise one photo with the library's own functions."""
    boxes = (detector or HaarFaceDetector()).detect(image)
    if not boxes:
        raise ValueError(f"no face found by the Haar detector in the {image.shape} image")
    box = boxes[0]
    crop = image[box.y : box.y + box.h, box.x : box.x + box.w]
    gray = to_gray(crop)
    face = resize_face(gray, size)
    model_input = faces_to_tensor(face)[0].numpy()
    return PreprocessingSteps(image, box, crop, gray, face, model_input)


def plot_preprocessing(steps: PreprocessingSteps) -> Figure:
    """The five preprocessing steps side by side, each titled with its shape; the last with a colour bar."""
    detected = steps.image.copy()
    b = steps.box
    thickness = max(2, detected.shape[0] // 150)
    cv2.rectangle(detected, (b.x, b.y), (b.x + b.w, b.y + b.h), (0, 255, 0) if detected.ndim == 3 else 255, thickness)
    panels = [
        (f"1 detect\n{steps.image.shape[1]}x{steps.image.shape[0]}", detected, None),
        (f"2 crop\n{b.w}x{b.h}", steps.crop, None),
        ("3 grayscale", steps.gray, "gray"),
        (f"4 resize\n{steps.face.shape[1]}x{steps.face.shape[0]} uint8", steps.face, "gray"),
    ]
    figure, axes = plt.subplots(1, 5, figsize=(14, 3.2), gridspec_kw={"width_ratios": [1.6, 1, 1, 1, 1.2]})
    for ax, (title, picture, cmap) in zip(axes, panels, strict=False):
        ax.imshow(picture, cmap=cmap, vmin=0 if cmap else None, vmax=255 if cmap else None)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    channel = steps.model_input[0]
    shown = axes[4].imshow(channel, cmap="coolwarm")
    value_range = f"[{channel.min():.2f}, {channel.max():.2f}]"
    axes[4].set_title(f"5 normalise\n3x{channel.shape[0]}x{channel.shape[1]} {value_range}", fontsize=10)
    axes[4].axis("off")
    figure.colorbar(shown, ax=axes[4], fraction=0.046, pad=0.04)
    figure.tight_layout()
    return figure
