"""Figures of the landmark study: importance heat maps drawn on the face, accuracy and time against k."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from gimefive_lib.data.regions import IBUG68, check_layout
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.attribution import LandmarkRanking
from gimefive_lib.landmarks.pruning import PruningResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection

# iBUG 68 outlines: open polylines and closed loops.
_IBUG_LINES: tuple[tuple[tuple[int, ...], bool], ...] = (
    (tuple(range(0, 17)), False), (tuple(range(17, 22)), False), (tuple(range(22, 27)), False),
    (tuple(range(27, 31)), False), (tuple(range(31, 36)), False), (tuple(range(36, 42)), True),
    (tuple(range(42, 48)), True), (tuple(range(48, 60)), True), (tuple(range(60, 68)), True),
)


def face_edges(layout: str) -> list[tuple[int, int]]:
    """The pairs of landmark indices drawn as the face's outline (iBUG) or mesh (face mesh tesselation)."""
    check_layout(layout)
    if layout == IBUG68:
        edges = []
        for line, closed in _IBUG_LINES:
            edges += list(zip(line[:-1], line[1:], strict=True)) + ([(line[-1], line[0])] if closed else [])
        return edges
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION  # optional: mediapipe

    return sorted(FACEMESH_TESSELATION)


def draw_importance(ax: Axes, face: np.ndarray, importance: np.ndarray, layout: str, highlight: Sequence[int] = (),
                    title: str | None = None, vmax: float | None = None) -> PathCollection:
    """Draw ``face`` ``(L, 2)`` (y down) with each landmark coloured and sized by ``importance`` ``(L,)``.

    ``highlight`` landmarks get a black ring. Returns the scatter (for a colour bar).
    """
    face = np.asarray(face)
    segments = [(face[a], face[b]) for a, b in face_edges(layout)]
    ax.add_collection(LineCollection(segments, colors="0.75", linewidths=0.5 if layout == IBUG68 else 0.2, zorder=1))
    order = np.argsort(importance)
    vmax = vmax or float(importance.max()) or 1.0
    sizes = (12 if layout == IBUG68 else 4) + 160 * importance[order] / vmax
    points = ax.scatter(face[order, 0], face[order, 1], c=importance[order], s=sizes, cmap="inferno_r", vmin=0,
                        vmax=vmax, zorder=2, linewidths=0)
    if len(highlight):
        ring = face[np.asarray(highlight)]
        ax.scatter(ring[:, 0], ring[:, 1], s=60, facecolors="none", edgecolors="black", linewidths=0.8, zorder=3)
    ax.set_aspect("equal")
    ax.invert_yaxis()
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return points


def _k_axis(ax, ks: Sequence[int]) -> None:
    """A log-scaled k axis from all landmarks (left) down to the fewest, ticked at the schedule."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(ks), [str(k) for k in ks])
    ax.minorticks_off()
    ax.set_xlim(max(ks) * 1.15, min(ks) / 1.15)


def plot_importance_faces(rankings: Sequence[LandmarkRanking], face: np.ndarray, layout: str,
                          top: int = 0) -> Figure:
    """Global landmark importance of every emotion drawn on the mean face (2 x 3 panels), top landmarks ringed."""
    figure, axes = plt.subplots(2, 3, figsize=(11, 8))
    n_points = check_layout(layout)
    vmax = max(float(ranking.importance.max()) for ranking in rankings)
    for ax, ranking in zip(axes.flat, rankings, strict=False):
        scatter = draw_importance(ax, face, ranking.full(n_points), layout, ranking.order[:top] if top else (),
                                  EMOTIONS[ranking.emotion], vmax)
    figure.colorbar(scatter, ax=axes, shrink=0.6, label="share of the emotion's |IG|")
    figure.suptitle("Landmark importance (Integrated Gradients, aggregated over each emotion's samples)")
    return figure


def plot_pruning_curves(results: Sequence[PruningResult]) -> Figure:
    """Validation accuracy, balanced accuracy, training time and inference time against k; chosen k marked."""
    figure, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    panels = (("val_accuracy", "validation accuracy"), ("val_balanced_accuracy", "validation balanced accuracy"),
              ("train_seconds", "training time (s)"), ("inference_us_per_sample", "inference (µs / sample)"))
    for result in results:
        rows = [step.summary() for step in result.steps]
        ks = [row["k"] for row in rows]
        chosen = result.chosen.k
        for ax, (key, label) in zip(axes.flat, panels, strict=True):
            values = [row[key] for row in rows]
            (line,) = ax.plot(ks, values, marker="o", markersize=3, label=EMOTIONS[result.emotion])
            ax.plot([chosen], [values[ks.index(chosen)]], marker="*", markersize=13, color=line.get_color())
            ax.set_ylabel(label)
    for ax in axes.flat:
        _k_axis(ax, [step.k for step in results[0].steps])
    for ax in axes[1]:
        ax.set_xlabel("landmarks kept (k)")
    axes[0, 0].legend(fontsize=8)
    figure.suptitle("Progressive pruning (star: k chosen on validation)")
    figure.tight_layout()
    return figure


def plot_emotion_at_k(result: PruningResult, face: np.ndarray, layout: str, k: int) -> Figure:
    """One emotion at one k: the importance over the landmarks its k-model reads, and validation scores against k."""
    steps = {step.k: step for step in result.steps}
    if k not in steps:
        raise ValueError(f"k = {k} is not in the pruning schedule {sorted(steps, reverse=True)}")
    step = steps[k]
    figure, (face_ax, curve_ax) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1, 1.3]})
    importance = step.ranking.full(check_layout(layout))
    title = (f"{EMOTIONS[result.emotion]}, k = {k}: val acc {step.val['accuracy']:.3f}, "
             f"balanced {step.val['balanced_accuracy']:.3f}")
    draw_importance(face_ax, face, importance, layout, step.model.landmarks, title)
    ks = [s.k for s in result.steps]
    for key, label in (("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy")):
        curve_ax.plot(ks, [s.val[key] for s in result.steps], marker="o", label=f"validation {label}")
    curve_ax.axvline(k, color="black", linestyle=":", label=f"k = {k}")
    curve_ax.axvline(result.chosen.k, color="tab:red", alpha=0.4, linewidth=4, label=f"chosen k = {result.chosen.k}")
    curve_ax.set(xlabel="landmarks kept (k)", ylabel="score")
    _k_axis(curve_ax, ks)
    curve_ax.legend(fontsize=8)
    figure.tight_layout()
    return figure


def plot_normalisation(raw: np.ndarray, normalised: np.ndarray, layout: str) -> Figure:
    """Landmarks of a few faces before (pixels) and after normalisation (centroid, eye line, inter-ocular distance)."""
    figure, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    edges = face_edges(layout)
    for ax, faces, title in ((axes[0], raw, "before: pixel coordinates"),
                             (axes[1], normalised, "after: centred, upright, unit eye distance")):
        for face in faces:
            (line,) = ax.plot(*face.T, ".", markersize=3)
            segments = [(face[a], face[b]) for a, b in edges]
            ax.add_collection(LineCollection(segments, colors=line.get_color(), linewidths=0.5, alpha=0.6))
        ax.set_aspect("equal")
        ax.invert_yaxis()
        ax.set_title(title)
    figure.tight_layout()
    return figure


def plot_landmarks_on_image(image: np.ndarray, points: np.ndarray, regions: np.ndarray, title: str = "") -> Figure:
    """A face image with its landmarks coloured by face region."""
    figure, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
    for name in dict.fromkeys(regions):
        where = regions == name
        ax.scatter(points[where, 0], points[where, 1], s=6, label=f"{name} ({where.sum()})")
    ax.legend(fontsize=7, loc="lower left", markerscale=2)
    ax.set_axis_off()
    ax.set_title(title)
    return figure


def plot_clip_scores(frames: np.ndarray, displacement: np.ndarray, scores: np.ndarray) -> Figure:
    """Frames of a neutral-to-apex clip, the landmarks' total displacement and each binary model's score per frame.

    ``scores`` is ``(T, 6)``: the probability each emotion's binary model gives each frame.
    """
    figure = plt.figure(figsize=(12, 5))
    picks = np.linspace(0, len(frames) - 1, 5).round().astype(int)
    for i, index in enumerate(picks):
        ax = figure.add_subplot(2, 5, i + 1)
        ax.imshow(frames[index], cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"frame {index}", fontsize=9)
        ax.set_axis_off()
    ax = figure.add_subplot(2, 1, 2)
    ax.plot(displacement / max(displacement.max(), 1e-9), color="black", linestyle="--",
            label="landmark displacement from frame 0 (scaled)")
    for emotion, name in enumerate(EMOTIONS):
        ax.plot(scores[:, emotion], label=f"P({name})")
    ax.set(xlabel="frame", ylim=(-0.05, 1.05))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # outside the axes: it hides no line
    figure.tight_layout()
    return figure
