"""The one face-region vocabulary: the regions' names, and which landmarks of the iBUG 68-point and the MediaPipe
468-point layouts belong to each. Synthetic evidence masks, CAM region shares and landmark regions all use it."""

from __future__ import annotations

import numpy as np

IBUG68 = "ibug68"
FACEMESH468 = "facemesh468"
LAYOUT_SIZES: dict[str, int] = {IBUG68: 68, FACEMESH468: 468}

# The region vocabulary shared by both layouts.
REGIONS: tuple[str, ...] = ("brows", "eyes", "nose", "mouth", "cheeks", "contour", "forehead")
# The regions the synthetic faces' action units deform (their evidence masks).
ACTION_UNIT_REGIONS: tuple[str, ...] = REGIONS[:5]
# The regions a face's region masks cover, in priority order: a pixel claimed by two goes to the first.
REGION_NAMES: tuple[str, ...] = ("eyes", "brows", "nose", "mouth")

# iBUG 68: jaw line 0-16, brows 17-26, nose 27-35, eyes 36-47, lips 48-67. Each region is a tuple of point
# groups (image-left side first), since masks are the union of each group's convex hull.
IBUG_GROUPS: dict[str, tuple[tuple[int, ...], ...]] = {
    "eyes": (tuple(range(36, 42)), tuple(range(42, 48))),
    "brows": (tuple(range(17, 22)), tuple(range(22, 27))),
    "nose": (tuple(range(27, 36)),),
    "mouth": (tuple(range(48, 68)),),
    "contour": (tuple(range(0, 17)),),
}
IBUG_EYES: tuple[tuple[int, ...], tuple[int, ...]] = IBUG_GROUPS["eyes"]


def _points(connections) -> tuple[int, ...]:
    """Sorted landmark indices of a MediaPipe connection set (pairs of indices)."""
    return tuple(sorted({i for edge in connections for i in edge}))


def facemesh_groups() -> dict[str, tuple[tuple[int, ...], ...]]:
    """The regions' point groups on MediaPipe's 468-point face mesh (its ``FACEMESH_*`` connection sets), image-left
    (the subject's right) side first, as :data:`IBUG_GROUPS` holds them for iBUG 68."""
    # mediapipe is optional (the face-mesh features need it): imported only when a face-mesh layout is asked for.
    from mediapipe.python.solutions import face_mesh_connections as fm

    return {
        "eyes": (_points(fm.FACEMESH_RIGHT_EYE), _points(fm.FACEMESH_LEFT_EYE)),
        "brows": (_points(fm.FACEMESH_RIGHT_EYEBROW), _points(fm.FACEMESH_LEFT_EYEBROW)),
        "nose": (_points(fm.FACEMESH_NOSE),),
        "mouth": (_points(fm.FACEMESH_LIPS),),
        "contour": (_points(fm.FACEMESH_FACE_OVAL),),
    }


def layout_groups(layout: str) -> dict[str, tuple[tuple[int, ...], ...]]:
    """The point groups of each region in a layout (``IBUG68`` or ``FACEMESH468``)."""
    check_layout(layout)
    return IBUG_GROUPS if layout == IBUG68 else facemesh_groups()


def _region_points(groups: dict[str, tuple[tuple[int, ...], ...]]) -> dict[str, tuple[int, ...]]:
    """All point indices of each region (its groups merged)."""
    return {name: tuple(sorted({i for group in parts for i in group})) for name, parts in groups.items()}


def eye_indices(layout: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indices of the image-left and image-right eye points of a layout (for the eye centres)."""
    return layout_groups(layout)["eyes"]


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
    spans = _region_points(layout_groups(layout))
    for name, index in spans.items():
        regions[list(index)] = name
    if layout == FACEMESH468 and reference is not None:
        reference = np.asarray(reference)
        if reference.shape != (n, 2):
            raise ValueError(f"reference face must have shape ({n}, 2), got {reference.shape}")
        brow_y = reference[list(spans["brows"]), 1].mean()
        regions[(regions == "cheeks") & (reference[:, 1] < brow_y)] = "forehead"
    return regions.astype(str)


def importance_by_region(importance: np.ndarray, regions: np.ndarray) -> dict[str, float]:
    """Fraction of the total importance that falls in each region (regions without points are left out)."""
    importance = np.asarray(importance, dtype=np.float64)
    total = importance.sum()
    if total <= 0:
        raise ValueError("importance must have a positive sum")
    return {name: float(importance[regions == name].sum() / total) for name in REGIONS if np.any(regions == name)}
