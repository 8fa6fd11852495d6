"""The shipped RAF-DB checkpoint carries what the guards against evaluating on trained-on faces need."""

from __future__ import annotations

import math

from gimefive_lib.data.splits import VAL_FRACTION
from gimefive_lib.settings import SHIPPED_CHECKPOINT
from gimefive_lib.training.checkpoint import read_checkpoint, trained_seed, was_refitted


def test_the_shipped_checkpoint_records_the_faces_it_held_out():
    state = read_checkpoint(SHIPPED_CHECKPOINT, mmap=True)
    faces = state["faces"]
    assert state["model_name"] == "gimefive" and not was_refitted(state) and trained_seed(state) == 0
    assert faces["val"] == math.ceil(VAL_FRACTION * (faces["train"] + faces["val"]))  # `train`'s default carve
    correct = state["best_val_accuracy"] * faces["val"]
    assert abs(correct - round(correct)) < 1e-3  # its validation accuracy is a whole number of these faces
    assert "non-commercial" in state["note"]
