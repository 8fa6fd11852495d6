"""Face regions (eyes, brows, nose, mouth) from landmarks, and the share of each map's mass that falls on them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np
import pandas as pd

from gimefive_lib.data.facemesh import FaceMeshExtractor
from gimefive_lib.data.regions import IBUG_GROUPS, REGION_NAMES, facemesh_groups
from gimefive_lib.labels import EMOTIONS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OTHER = "other"


def region_masks(points: np.ndarray, groups: dict[str, tuple[tuple[int, ...], ...]], size: int,
                 pad: float = 0.04) -> np.ndarray:
    """Disjoint region masks ``(4, size, size)`` bool (order of ``REGION_NAMES``) from one face's landmarks (x, y).

    Each group's convex hull is grown by ``pad`` (fraction of the side); a pixel claimed by two regions
    goes to the first one in ``REGION_NAMES``.
    """
    points = np.asarray(points, dtype=np.float32)
    radius = max(1, int(round(pad * size)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
    masks = np.zeros((len(REGION_NAMES), size, size), dtype=bool)
    taken = np.zeros((size, size), dtype=bool)
    for r, name in enumerate(REGION_NAMES):
        canvas = np.zeros((size, size), dtype=np.uint8)
        for group in groups[name]:
            hull = cv2.convexHull(np.rint(points[list(group)]).astype(np.int32))
            cv2.fillConvexPoly(canvas, hull, 1)
        region = (cv2.dilate(canvas, kernel) > 0) & ~taken
        masks[r], taken = region, taken | region
    return masks


def landmark_region_masks(landmarks: np.ndarray, size: int) -> np.ndarray:
    """Region masks ``(N, 4, size, size)`` from iBUG 68-point landmarks ``(N, 68, 2)`` (synthetic faces, dlib)."""
    landmarks = np.asarray(landmarks, dtype=np.float32)
    if landmarks.ndim != 3 or landmarks.shape[1:] != (68, 2):
        raise ValueError(f"expected landmarks of shape (N, 68, 2), got {landmarks.shape}")
    return np.stack([region_masks(p, IBUG_GROUPS, size) for p in landmarks]) if len(landmarks) else \
        np.zeros((0, len(REGION_NAMES), size, size), dtype=bool)


def mesh_points(images: np.ndarray, upscale: int = 192) -> list[np.ndarray | None]:
    """Face-mesh points ``(468, 2)`` (x, y in pixels of each uint8 gray face), ``None`` where no face is found.

    Small faces are enlarged to ``upscale`` pixels before MediaPipe looks at them.
    """
    out: list[np.ndarray | None] = []
    with FaceMeshExtractor() as mesh:
        for image in np.asarray(images, dtype=np.uint8):
            scale = max(1.0, upscale / image.shape[0])
            big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
            found = mesh.detect(big)
            out.append(None if found is None else found / scale)
    return out


def mesh_region_masks(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Region masks ``(N, 4, H, W)`` of real faces from MediaPipe's face mesh, and which faces had a mesh ``(N,)``."""
    images = np.asarray(images, dtype=np.uint8)
    groups, size = facemesh_groups(), images.shape[1]
    masks = np.zeros((len(images), len(REGION_NAMES), size, size), dtype=bool)
    found = np.zeros(len(images), dtype=bool)
    for i, points in enumerate(mesh_points(images)):
        if points is not None:
            masks[i], found[i] = region_masks(points, groups, size), True
    return masks, found


def face_region_masks(images: np.ndarray, landmarks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Region masks ``(N, 4, H, W)`` and a found flag ``(N,)``: from 68 landmarks when given, else the face mesh."""
    images = np.asarray(images)
    if landmarks is not None:
        return landmark_region_masks(landmarks, images.shape[1]), np.ones(len(images), dtype=bool)
    return mesh_region_masks(images)


def region_shares(cams: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Share of each map's mass per region plus the rest of the image ``(N, 5)``; rows sum to 1."""
    cams = np.clip(np.asarray(cams, dtype=np.float64), 0, None)
    masks = np.asarray(masks, dtype=bool)
    if cams.ndim != 3 or masks.shape != (cams.shape[0], len(REGION_NAMES), *cams.shape[1:]):
        raise ValueError(f"maps {cams.shape} need masks (N, {len(REGION_NAMES)}, H, W), got {masks.shape}")
    cams = np.where(cams.sum(axis=(1, 2), keepdims=True) > 0, cams, 1.0)  # an empty map counts as uniform
    total = cams.sum(axis=(1, 2))
    inside = (cams[:, None] * masks).sum(axis=(2, 3)) / total[:, None]
    return np.concatenate([inside, 1.0 - inside.sum(axis=1, keepdims=True)], axis=1).astype(np.float32)


def emotion_region_table(shares: np.ndarray, labels: Sequence[int]) -> pd.DataFrame:
    """Mean region share per emotion: rows = emotions present in ``labels``, columns = regions and ``other``."""
    frame = pd.DataFrame(shares, columns=[*REGION_NAMES, OTHER])
    frame["emotion"] = [EMOTIONS[int(k)] for k in labels]
    table = frame.groupby("emotion").mean()
    return table.reindex([e for e in EMOTIONS if e in table.index])


def peak_cell_table(cams: np.ndarray, labels: Sequence[int], grid: int = 4) -> pd.DataFrame:
    """Per emotion: the cell of a ``grid`` x ``grid`` partition where most maps peak, and the share that peak there.

    Each map is averaged over the cells (block5's 4 x 4 at 64 x 64); ``share`` 1 = every face of the emotion points
    at the same cell, ``1 / grid**2`` = spread evenly. Columns: ``cell`` as (row, col), ``share``, ``faces``.
    """
    cams, labels = np.asarray(cams, dtype=np.float32), np.asarray(labels)
    n, height, width = cams.shape
    if height % grid or width % grid or len(labels) != n:
        raise ValueError(f"maps {cams.shape} must split into {grid} x {grid} cells, one label per map")
    cells = cams.reshape(n, grid, height // grid, grid, width // grid).mean(axis=(2, 4)).reshape(n, -1).argmax(1)
    rows = {}
    for k, emotion in enumerate(EMOTIONS):
        mine = cells[labels == k]
        if len(mine):
            counts = np.bincount(mine, minlength=grid * grid)
            rows[emotion] = {"cell": divmod(int(counts.argmax()), grid), "share": counts.max() / len(mine),
                             "faces": len(mine)}
    return pd.DataFrame.from_dict(rows, orient="index")


def plot_region_table(table: pd.DataFrame, title: str = "share of CAM mass per face region", value: str = "share",
                      xlabel: str = "face region") -> Figure:
    """A seaborn heatmap of an emotion x region (or any emotion x column) table (returns the matplotlib figure)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    figure, ax = plt.subplots(figsize=(1.1 * table.shape[1] + 2, 0.5 * table.shape[0] + 1.5))
    sns.heatmap(table, annot=True, fmt=".2f", cmap="rocket_r", vmin=0, cbar_kws={"label": value}, ax=ax)
    ax.set(title=title, xlabel=xlabel, ylabel="")
    figure.tight_layout()
    return figure
