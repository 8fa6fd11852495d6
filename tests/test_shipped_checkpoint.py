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


def test_the_shipped_synthetic_model_was_trained_on_todays_default_faces():
    """A change of the generator (GENERATOR_VERSION) must come with a retrained model, or lessons 04, 05 and 07
    would silently fall back to the short class-mode run: ``export --synthetic-default`` retrains it."""
    from dataclasses import replace

    from gimefive_lib.data.configured import synthetic_recipe
    from gimefive_lib.settings import SHIPPED_SYNTHETIC, get_settings

    state = read_checkpoint(SHIPPED_SYNTHETIC, mmap=True)
    assert state["model_name"] == "gimefive"
    assert state["data"] == synthetic_recipe(replace(get_settings(), fast=False, long=False))
