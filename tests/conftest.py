"""Shared fixtures: tiny synthetic face sets and a folder for runs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import train_val_split
from gimefive_lib.labels import RAFDB_TO_GIMEFIVE

GIMEFIVE_TO_RAFDB = {v: k for k, v in RAFDB_TO_GIMEFIVE.items() if v is not None}


@pytest.fixture(scope="session")
def load_bench() -> Callable[[str], ModuleType]:
    """A loader of a ``bench/`` script as a module (they are scripts, not a package), by file name without .py."""
    folder = Path(__file__).resolve().parents[1] / "bench"

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def tiny_faces() -> FaceSet:
    """240 synthetic faces (40 per emotion) with masks and landmarks."""
    from gimefive_lib.data.synthetic.render import generate_synthetic

    return generate_synthetic(240, seed=123)


@pytest.fixture(scope="session")
def tiny_split(tiny_faces: FaceSet) -> tuple[FaceSet, FaceSet]:
    """A stratified train/validation split of ``tiny_faces``."""
    return train_val_split(tiny_faces, 0.25, seed=0)


@pytest.fixture
def write_rafdb_split() -> Callable[[Path, FaceSet, str], None]:
    """A writer of faces as one split of a RAF-DB basic folder (aligned 100x100 JPEGs + the label file).

    The label file also lists one neutral face of the split, which the loader drops and counts.
    """

    def write(root: Path, faces: FaceSet, split: str) -> None:
        (root / "Image" / "aligned").mkdir(parents=True)
        (root / "EmoLabel").mkdir()
        lines = []
        for i, (image, label) in enumerate(zip(faces.images, faces.labels, strict=True), start=1):
            Image.fromarray(np.repeat(image[:, :, None], 3, axis=2)).resize((100, 100)).save(
                root / "Image" / "aligned" / f"{split}_{i:04d}_aligned.jpg"
            )
            lines.append(f"{split}_{i:04d}.jpg {GIMEFIVE_TO_RAFDB[int(label)]}")
        lines.append(f"{split}_9999.jpg 7")  # neutral: dropped and counted, its image need not exist
        (root / "EmoLabel" / "list_patition_label.txt").write_text("\n".join(lines) + "\n")

    return write
