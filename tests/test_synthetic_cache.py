"""The disk cache of the notebooks' synthetic splits: the same faces and report as generating, keyed by recipe."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.synthetic.cache import cache_folder, cached_synthetic_splits
from gimefive_lib.data.synthetic.render import GENERATOR_VERSION, synthetic_splits

RECIPE = {"generator": GENERATOR_VERSION, "style": "realistic", "n_train": 12, "n_test": 6, "seed": 3}


def test_a_cached_split_is_the_generated_split(tmp_path) -> None:
    fresh = synthetic_splits(12, 6, seed=3)
    first = cached_synthetic_splits(RECIPE, tmp_path)
    folder = cache_folder(tmp_path, RECIPE)
    assert (folder / "train.npz").exists() and (folder / "test.json").exists()
    again = cached_synthetic_splits(RECIPE, tmp_path)
    for made, cached, generated in zip(first, again, fresh, strict=True):
        assert np.array_equal(cached.images, generated.images) and np.array_equal(cached.masks, generated.masks)
        assert np.array_equal(cached.landmarks, made.landmarks) and cached.sources == generated.sources
        assert np.allclose(cached.report["au_intensity"], generated.report["au_intensity"])
        assert cached.report["au_spread"] == generated.report["au_spread"] and cached.name == generated.name
    assert not [p.name for p in folder.iterdir() if ".tmp" in p.name]  # no temp file left behind


def test_another_recipe_is_another_entry_and_a_damaged_entry_is_made_again(tmp_path) -> None:
    assert cache_folder(tmp_path, RECIPE) != cache_folder(tmp_path, {**RECIPE, "generator": "older"})
    cached_synthetic_splits(RECIPE, tmp_path)
    train = cache_folder(tmp_path, RECIPE) / "train.npz"
    train.write_bytes(b"not a zip file")
    faces, _ = cached_synthetic_splits(RECIPE, tmp_path)
    assert len(faces) == 12 and np.array_equal(faces.images, synthetic_splits(12, 6, seed=3)[0].images)


def test_no_cache_dir_and_an_unwritable_one_still_give_the_faces(tmp_path) -> None:
    assert len(cached_synthetic_splits(RECIPE, None)[1]) == 6
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should go")
    assert len(cached_synthetic_splits(RECIPE, blocked)[0]) == 12
