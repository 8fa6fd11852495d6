"""Shared fixtures: tiny synthetic face sets and a folder for runs."""

from __future__ import annotations

import pytest

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import train_val_split


@pytest.fixture(scope="session")
def tiny_faces() -> FaceSet:
    """240 synthetic faces (40 per emotion) with masks and landmarks."""
    from gimefive_lib.data.synthetic import generate_synthetic

    return generate_synthetic(240, seed=123)


@pytest.fixture(scope="session")
def tiny_split(tiny_faces: FaceSet) -> tuple[FaceSet, FaceSet]:
    """A stratified train/validation split of ``tiny_faces``."""
    return train_val_split(tiny_faces, 0.25, seed=0)
