"""Datasets by name: real layouts (RAF-DB, FER2013, CK+, class folders, FER-GiMeFive) and the synthetic default."""

from __future__ import annotations

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.loader import DatasetError, DatasetLoader
from gimefive_lib.data.rafdb import RafDB

LOADERS: dict[str, type[DatasetLoader]] = {"rafdb": RafDB}


def get_loader(name: str) -> DatasetLoader:
    """The loader of a dataset by name."""
    try:
        return LOADERS[name]()
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(sorted(LOADERS))} or 'synthetic'") from None


__all__ = ["FaceSet", "DatasetError", "DatasetLoader", "LOADERS", "get_loader"]
