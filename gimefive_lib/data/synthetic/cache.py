"""A disk cache of generated train/test splits, keyed by everything that makes them (the recipe, which names the
generator version): the notebooks of a series share one generation instead of each spending ~25 s on it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.synthetic.render import synthetic_splits

_ARRAY_FIELDS = ("au_intensity", "pose")  # report entries kept as arrays; the rest is plain JSON


def cache_folder(cache_dir: str | Path, recipe: dict) -> Path:
    """The folder of the splits ``recipe`` describes under ``cache_dir``."""
    key = hashlib.sha1(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]
    return Path(cache_dir) / "synthetic" / f"{recipe['style']}-{recipe['n_train']}-{recipe['n_test']}-{key}"


def _save(faces: FaceSet, path: Path) -> None:
    """The split as a cache entry: its name and report (arrays as lists) beside its arrays."""
    report = {k: (np.asarray(v).tolist() if k in _ARRAY_FIELDS else v) for k, v in faces.report.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    faces.save_entry(path, {"name": faces.name, "report": report})


def _load(path: Path) -> FaceSet:
    """A split written by :func:`_save`."""
    meta = json.loads(path.with_suffix(".json").read_text())
    report = {k: (np.asarray(v, np.float32) if k in _ARRAY_FIELDS else v) for k, v in meta["report"].items()}
    return FaceSet.load(path, name=meta["name"], report=report)


def cached_synthetic_splits(recipe: dict, cache_dir: str | Path | None) -> tuple[FaceSet, FaceSet]:
    """``synthetic_splits`` of the recipe's sizes, seed and style, read from ``cache_dir`` when generated before
    (None: no cache). An unwritable cache only costs the time to generate."""
    def generate() -> tuple[FaceSet, FaceSet]:
        return synthetic_splits(recipe["n_train"], recipe["n_test"], seed=recipe["seed"], style=recipe["style"])

    if cache_dir is None:
        return generate()
    folder = cache_folder(cache_dir, recipe)
    paths = (folder / "train.npz", folder / "test.npz")
    if all(p.exists() and p.with_suffix(".json").exists() for p in paths):
        try:
            train, test = (_load(p) for p in paths)
            return train, test
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # a damaged entry: generate again
            pass
    splits = generate()
    try:
        for faces, path in zip(splits, paths, strict=True):
            _save(faces, path)
    except OSError:
        pass
    return splits
