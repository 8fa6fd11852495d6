"""``FaceSet``: the in-memory form every dataset is turned into (uint8 grayscale faces + labels)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gimefive_lib.files import atomic_write, write_text_atomic
from gimefive_lib.labels import NUM_CLASSES


@dataclass
class FaceSet:
    """Preprocessed faces of one dataset split.

    ``images`` is ``(N, H, W)`` uint8 grayscale, ``labels`` is ``(N,)`` int64 GiMeFive ids.
    Synthetic sets also carry ``masks`` (``(N, H, W)`` bool ground-truth evidence) and
    ``landmarks`` (``(N, 68, 2)`` float32 x, y pixel coordinates, iBUG 68-point layout).
    ``sources`` names where each face came from (file name, csv row).
    """

    images: np.ndarray
    labels: np.ndarray
    name: str = "faces"
    sources: list[str] = field(default_factory=list)
    masks: np.ndarray | None = None
    landmarks: np.ndarray | None = None
    report: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.images.ndim != 3 or self.images.dtype != np.uint8:
            raise ValueError(
                f"{self.name}: images must be (N, H, W) uint8, got {self.images.shape} {self.images.dtype}"
            )
        if len(self.labels) != len(self.images):
            raise ValueError(f"{self.name}: {len(self.images)} images but {len(self.labels)} labels")
        self.labels = np.asarray(self.labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def image_size(self) -> int:
        """Side length of the square faces."""
        return int(self.images.shape[1])

    def class_counts(self) -> np.ndarray:
        """Number of faces per GiMeFive class, shape ``(6,)``."""
        return np.bincount(self.labels, minlength=NUM_CLASSES)

    def subset(self, index: np.ndarray, name: str | None = None) -> FaceSet:
        """The faces at ``index`` (a new FaceSet sharing nothing mutable)."""
        index = np.asarray(index)
        return replace(
            self,
            images=self.images[index],
            labels=self.labels[index],
            name=name or self.name,
            sources=[self.sources[i] for i in index] if self.sources else [],
            masks=None if self.masks is None else self.masks[index],
            landmarks=None if self.landmarks is None else self.landmarks[index],
            report=dict(self.report),
        )

    def save(self, path) -> None:
        """Write the set to an ``.npz`` file."""
        arrays = {"images": self.images, "labels": self.labels, "sources": np.array(self.sources, dtype=str)}
        if self.masks is not None:
            arrays["masks"] = self.masks
        if self.landmarks is not None:
            arrays["landmarks"] = self.landmarks
        np.savez(path, **arrays)

    def save_entry(self, path: Path, meta: dict) -> None:
        """A cache entry: ``meta`` as ``path``'s ``.json``, then the arrays as ``path`` (an ``.npz``). The JSON goes
        first, so an ``.npz`` in place means the entry is complete; each is written whole or not at all
        (:func:`~gimefive_lib.files.atomic_write`), so processes filling the same cache at once (DDP ranks) do not
        collide."""
        write_text_atomic(path.with_suffix(".json"), json.dumps(meta))
        with atomic_write(path, "wb") as f:
            self.save(f)

    @classmethod
    def load(cls, path, name: str = "faces", report: dict | None = None) -> FaceSet:
        """Read a set written by :meth:`save`."""
        with np.load(path) as data:
            return cls(
                images=data["images"],
                labels=data["labels"],
                name=name,
                sources=data["sources"].tolist(),
                masks=data.get("masks", None),
                landmarks=data.get("landmarks", None),
                report=dict(report or {}),
            )
