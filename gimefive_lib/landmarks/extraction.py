"""Face-mesh landmarks of many faces, gathered into a :class:`LandmarkSet` with a report of the faces missed."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from gimefive_lib.data.facemesh import MESH_POINTS, FaceMeshExtractor
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.regions import FACEMESH468
from gimefive_lib.landmarks.landmarkset import LandmarkSet


def extract_landmarks(
mesh: FaceMeshExtractor, items: Iterable[tuple[np.ndarray, int, str]], name: str = "facemesh"
) -> LandmarkSet:
    """Landmarks of each ``(image, label, source)`` with a face found; the others go to ``report["no_face"]``."""
    points, kept_labels, kept_sources, missing, total = [], [], [], [], 0
    for image, label, source in items:
        total += 1
        found = mesh.detect(image)
        if found is None:
            missing.append(str(source))
            continue
        points.append(found)
        kept_labels.append(int(label))
        kept_sources.append(str(source))
    report = {"images": total, "found": len(points), "no_face": missing}
    stacked = np.stack(points) if points else np.empty((0, MESH_POINTS, 2), np.float32)
    return LandmarkSet(stacked, np.array(kept_labels, np.int64), FACEMESH468, name, kept_sources, report)


def extract_faceset(faces: FaceSet, extractor: FaceMeshExtractor | None = None) -> LandmarkSet:
    """Face-mesh landmarks of every face of a FaceSet (faces not found are counted in the report)."""
    sources = faces.sources or [f"{faces.name}/{i}" for i in range(len(faces))]
    items = zip(faces.images, faces.labels, sources, strict=True)
    if extractor is not None:
        return extract_landmarks(extractor, items, faces.name)
    with FaceMeshExtractor() as mesh:
        return extract_landmarks(mesh, items, faces.name)
