"""Real datasets in their official layouts, each a :class:`DatasetLoader`, and the registry that names them."""

from __future__ import annotations

from gimefive_lib.data.datasets.aggregate import Aggregate
from gimefive_lib.data.datasets.base import (
    DatasetError,
    DatasetLoader,
    SplitNotFound,
    require_dataset_root,
)
from gimefive_lib.data.datasets.ckplus import CKPlus
from gimefive_lib.data.datasets.fer2013 import Fer2013
from gimefive_lib.data.datasets.folder import FolderDataset
from gimefive_lib.data.datasets.rafdb import RafDB
from gimefive_lib.data.datasets.registry import LOADERS, SYNTHETIC, get_loader

__all__ = [
    "LOADERS",
    "SYNTHETIC",
    "Aggregate",
    "CKPlus",
    "DatasetError",
    "DatasetLoader",
    "Fer2013",
    "FolderDataset",
    "RafDB",
    "SplitNotFound",
    "get_loader",
    "require_dataset_root",
]
