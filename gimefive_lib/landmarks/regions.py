"""Landmark layouts: which face region each point of the iBUG 68-point and the MediaPipe 468-point layout belongs to."""

from __future__ import annotations

import numpy as np

IBUG68 = "ibug68"
FACEMESH468 = "facemesh468"
LAYOUT_SIZES: dict[str, int] = {IBUG68: 68, FACEMESH468: 468}

# The region vocabulary shared by both layouts (the first five are the synthetic faces' AU regions).
REGIONS: tuple[str, ...] = ("brows", "eyes", "nose", "mouth", "cheeks", "contour", "forehead")

# iBUG 68: jaw line 0-16, brows 17-26, nose 27-35, eyes 36-47, lips 48-67 (image-left eye first).
_IBUG_SPANS: dict[str, range] = {
    "contour": range(0, 17),
    "brows": range(17, 27),
    "nose": range(27, 36),
    "eyes": range(36, 48),
    "mouth": range(48, 68),
}
IBUG_EYES: tuple[tuple[int, ...], tuple[int, ...]] = (tuple(range(36, 42)), tuple(range(42, 48)))


def _points(connections) -> tuple[int, ...]:
    """Sorted landmark indices of a MediaPipe connection set (pairs of indices)."""
    return tuple(sorted({i for edge in connections for i in edge}))


def facemesh_connection_points() -> dict[str, tuple[int, ...]]:
    """Face-mesh indices of each named region, from MediaPipe's ``FACEMESH_*`` connection sets."""
    from mediapipe.python.solutions import face_mesh_connections as fm

    return {
        "brows": _points(fm.FACEMESH_LEFT_EYEBROW | fm.FACEMESH_RIGHT_EYEBROW),
        "eyes": _points(fm.FACEMESH_LEFT_EYE | fm.FACEMESH_RIGHT_EYE),
        "nose": _points(fm.FACEMESH_NOSE),
        "mouth": _points(fm.FACEMESH_LIPS),
        "contour": _points(fm.FACEMESH_FACE_OVAL),
    }


def facemesh_eyes() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Face-mesh indices of the image-left (subject's right) and image-right eye outlines."""
    from mediapipe.python.solutions import face_mesh_connections as fm

    return _points(fm.FACEMESH_RIGHT_EYE), _points(fm.FACEMESH_LEFT_EYE)


def eye_indices(layout: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indices of the image-left and image-right eye points of a layout (for the eye centres)."""
    check_layout(layout)
    return IBUG_EYES if layout == IBUG68 else facemesh_eyes()


def check_layout(layout: str) -> int:
    """The number of points of a known layout; unknown layouts raise ValueError."""
    if layout not in LAYOUT_SIZES:
        raise ValueError(f"unknown landmark layout {layout!r}; expected one of {', '.join(LAYOUT_SIZES)}")
    return LAYOUT_SIZES[layout]


def landmark_regions(layout: str, reference: np.ndarray | None = None) -> np.ndarray:
    """The region name of every landmark, shape ``(L,)`` of str.

    Face-mesh points outside MediaPipe's named connection sets are split by ``reference`` (an upright
    ``(468, 2)`` face, y down): above the brows they are ``forehead``, below ``cheeks``; without a
    reference they are all ``cheeks``.
    """
    n = check_layout(layout)
    regions = np.full(n, "cheeks", dtype=object)
    spans = _IBUG_SPANS if layout == IBUG68 else facemesh_connection_points()
    for name, index in spans.items():
        regions[list(index)] = name
    if layout == FACEMESH468 and reference is not None:
        reference = np.asarray(reference)
        if reference.shape != (n, 2):
            raise ValueError(f"reference face must have shape ({n}, 2), got {reference.shape}")
        brow_y = reference[list(spans["brows"]), 1].mean()
        regions[(regions == "cheeks") & (reference[:, 1] < brow_y)] = "forehead"
    return regions.astype(str)


def region_shares(importance: np.ndarray, regions: np.ndarray) -> dict[str, float]:
    """Fraction of the total importance that falls in each region (regions without points are left out)."""
    importance = np.asarray(importance, dtype=np.float64)
    total = importance.sum()
    if total <= 0:
        raise ValueError("importance must have a positive sum")
    return {name: float(importance[regions == name].sum() / total) for name in REGIONS if np.any(regions == name)}
