"""What the explainers look at: reproducible samples of faces and the real face that ships with scikit-image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from gimefive_lib.data import get_loader
from gimefive_lib.data.splits import train_val_split
from gimefive_lib.explain.inputs import astronaut_face, sample_faces, unseen_real_faces
from gimefive_lib.settings import Settings


def test_sample_faces_is_reproducible_and_keeps_masks(tiny_faces):
    a, b = sample_faces(tiny_faces, 10, seed=3), sample_faces(tiny_faces, 10, seed=3)
    assert len(a) == 10 and a.masks is not None and a.landmarks is not None
    np.testing.assert_array_equal(a.images, b.images)
    assert sample_faces(tiny_faces, 10_000) is tiny_faces


def test_astronaut_face_is_a_gray_crop():
    face = astronaut_face()
    assert face.shape == (64, 64) and face.dtype == np.uint8 and face.std() > 10


def fake_checkpoint(path: Path, seed: int, val_faces: int | None) -> Path:
    """A checkpoint with only the bookkeeping ``unseen_real_faces`` reads (no real weights)."""
    state = {"model_name": "gimefive", "model": {}, "config": {"seed": seed}}
    if val_faces is not None:
        state["faces"] = {"train": 60 - val_faces, "val": val_faces}
    torch.save(state, path)
    return path


def test_without_a_test_split_real_faces_are_those_train_held_out(tmp_path, tiny_faces, write_rafdb_split):
    write_rafdb_split(tmp_path / "RAF-DB" / "basic", tiny_faces.subset(np.arange(0, 240, 4)), "train")
    checkpoint = fake_checkpoint(tmp_path / "seed1.pt", seed=1, val_faces=6)
    # GIMEFIVE_SEED 0 here, but the checkpoint was trained with seed 1: its own carve counts, not the setting.
    settings = Settings(data_root=tmp_path, dataset="rafdb", cache_dir=tmp_path / "cache", checkpoint=checkpoint,
                        seed=0)
    faces, which = unseen_real_faces(settings)
    full = get_loader("rafdb").load(tmp_path, "train", cache_dir=tmp_path / "cache")
    _, held_out_by_train = train_val_split(full, 0.1, seed=1)  # `train --val-fraction 0.1 --seed 1`
    assert which == "validation (no test split)" and len(faces) == 6
    assert list(faces.sources) == list(held_out_by_train.sources)
    assert list(faces.sources) != list(train_val_split(full, 0.1, seed=0)[1].sources)


def test_a_refitted_checkpoint_has_no_unseen_faces_without_a_test_split(tmp_path, tiny_faces, write_rafdb_split):
    write_rafdb_split(tmp_path / "RAF-DB" / "basic", tiny_faces.subset(np.arange(0, 240, 4)), "train")
    checkpoint = fake_checkpoint(tmp_path / "refit.pt", seed=0, val_faces=0)
    settings = Settings(data_root=tmp_path, dataset="rafdb", cache_dir=tmp_path / "cache", checkpoint=checkpoint)
    with pytest.raises(ValueError, match="refitted on all train faces"):
        unseen_real_faces(settings)
