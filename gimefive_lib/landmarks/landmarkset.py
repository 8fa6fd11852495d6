"""``LandmarkSet``: the landmarks of one dataset split (pixel coordinates), their labels and what could not be used."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gimefive_lib.data.regions import check_layout
from gimefive_lib.files import atomic_write, write_text_atomic
from gimefive_lib.labels import NUM_CLASSES


@dataclass
class LandmarkSet:
    """``points`` ``(N, L, 2)`` float32 x, y pixel coordinates in ``layout``, ``labels`` ``(N,)`` GiMeFive ids.

    ``report`` counts what was dropped on the way (``no_face``: sources where no face was found).
    """

    points: np.ndarray
    labels: np.ndarray
    layout: str
    name: str = "landmarks"
    sources: list[str] = field(default_factory=list)
    report: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_points = check_layout(self.layout)
        self.points = np.asarray(self.points, dtype=np.float32)
        if self.points.ndim != 3 or self.points.shape[1:] != (n_points, 2):
            expected = f"(N, {n_points}, 2) for {self.layout}"
            raise ValueError(f"{self.name}: points must be {expected}, got {self.points.shape}")
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if len(self.labels) != len(self.points):
            raise ValueError(f"{self.name}: {len(self.points)} landmark sets but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def n_landmarks(self) -> int:
        """Number of points per face."""
        return int(self.points.shape[1])

    def class_counts(self) -> np.ndarray:
        """Number of faces per GiMeFive class, shape ``(6,)``."""
        return np.bincount(self.labels, minlength=NUM_CLASSES)

    def subset(self, index: np.ndarray, name: str | None = None) -> LandmarkSet:
        """The faces at ``index`` (a new set)."""
        index = np.asarray(index)
        sources = [self.sources[i] for i in index] if self.sources else []
        return replace(self, points=self.points[index], labels=self.labels[index], name=name or self.name,
                       sources=sources, report=dict(self.report))

    def save(self, path: str | Path) -> None:
        """Write the set to ``path`` (``.npz``) and its report next to it (``.json``), each atomically. The JSON
        goes first, so an ``.npz`` in place means the set is complete (:meth:`load` reads both)."""
        path = Path(path)
        write_text_atomic(path.with_suffix(".json"), json.dumps({"layout": self.layout, "name": self.name,
                                                                  **self.report}))
        with atomic_write(path, "wb") as f:
            np.savez(f, points=self.points, labels=self.labels, sources=np.array(self.sources, dtype=str))

    @classmethod
    def load(cls, path: str | Path) -> LandmarkSet:
        """Read a set written by :meth:`save`."""
        path = Path(path)
        meta = json.loads(path.with_suffix(".json").read_text())
        layout, name = meta.pop("layout"), meta.pop("name")
        with np.load(path) as data:
            return cls(data["points"], data["labels"], layout, name, data["sources"].tolist(), meta)
