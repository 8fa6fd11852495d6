"""Landmark caches in ``settings.cache_dir/landmarks``, keyed like the image caches (dataset, root, split, labels)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from gimefive_lib.landmarks.landmarkset import LandmarkSet


def landmark_cache_path(cache_dir: str | Path, dataset: str, root: Path, split: str, fingerprint: str,
                        method: str, skip_corrupt: bool = False) -> Path:
    """Where the landmarks of one dataset split extracted by ``method`` are cached."""
    key = f"{dataset}|{Path(root).resolve()}|{split}|{skip_corrupt}|{fingerprint}|{method}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return Path(cache_dir) / "landmarks" / f"{dataset}-{split}-{method}-{digest}.npz"


def load_or_extract(path: Path | None, extract: Callable[[], LandmarkSet]) -> LandmarkSet:
    """The landmark set cached at ``path``, or ``extract()`` written there first (no cache when ``path`` is None)."""
    if path is not None and path.exists() and path.with_suffix(".json").exists():
        landmarks = LandmarkSet.load(path)
        landmarks.report["cache"] = str(path)
        return landmarks
    landmarks = extract()
    if path is not None:
        landmarks.save(path)
    return landmarks
