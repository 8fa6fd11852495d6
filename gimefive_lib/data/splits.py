"""Stratified train/validation splits carved out of a training set."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import train_test_split

from gimefive_lib.data.faceset import FaceSet

VAL_FRACTION = 0.1  # the share of a real train split that `train` holds out for validation (the shipped model's too)
HOLDOUT_FRACTION = 0.2  # where a dataset has no test split: the share of train held out as its test split


def stratified_split_indices(
    labels: np.ndarray, val_fraction: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(train_index, val_index)`` with the class proportions kept in both parts."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    index = np.arange(len(labels))
    train_idx, val_idx = train_test_split(index, test_size=val_fraction, stratify=labels, random_state=seed)
    return np.sort(train_idx), np.sort(val_idx)


def train_val_split(faces: FaceSet, val_fraction: float = 0.1, seed: int = 0) -> tuple[FaceSet, FaceSet]:
    """Split a training FaceSet into stratified train and validation parts."""
    train_idx, val_idx = stratified_split_indices(faces.labels, val_fraction, seed)
    return faces.subset(train_idx, f"{faces.name}-train"), faces.subset(val_idx, f"{faces.name}-val")


def hold_out(faces: FaceSet, fraction: float = HOLDOUT_FRACTION, seed: int = 0) -> tuple[FaceSet, FaceSet]:
    """A stratified ``fraction`` of ``faces`` held out as a test split: ``(rest, held_out)``, the latter named
    ``<name>-holdout``. For datasets whose test split is missing (``compare --holdout``, the notebooks)."""
    rest, held_out = stratified_split_indices(faces.labels, fraction, seed)
    return faces.subset(rest, faces.name), faces.subset(held_out, f"{faces.name}-holdout")


@dataclass
class DatasetSplits:
    """Train, validation (carved from train, stratified) and test faces, with notes on how they were made."""

    train: FaceSet
    val: FaceSet
    test: FaceSet
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, FaceSet]:
        """The three splits by name."""
        return {"train": self.train, "val": self.val, "test": self.test}
