"""Dataset loaders by name: RAF-DB, FER2013, CK+, class folders and the FER-GiMeFive aggregate."""

from __future__ import annotations

from gimefive_lib.data.datasets.aggregate import Aggregate
from gimefive_lib.data.datasets.base import DatasetLoader
from gimefive_lib.data.datasets.ckplus import CKPlus
from gimefive_lib.data.datasets.fer2013 import Fer2013
from gimefive_lib.data.datasets.folder import FolderDataset
from gimefive_lib.data.datasets.rafdb import RafDB

LOADERS: dict[str, type[DatasetLoader]] = {
    "rafdb": RafDB,
    "fer2013": Fer2013,
    "ckplus": CKPlus,
    "folder": FolderDataset,
    "fer-gimefive": Aggregate,
}


SYNTHETIC = "synthetic"


def get_loader(name: str, /, **options) -> DatasetLoader:
    """The loader of a dataset by name; ``options`` go to its constructor (``aligned=False``, ``peak_frames=3``)."""
    if name not in LOADERS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(LOADERS)} or {SYNTHETIC!r}")
    try:
        return LOADERS[name](**options)
    except TypeError as error:
        raise ValueError(f"bad options {options} for dataset {name!r}: {error}") from None
