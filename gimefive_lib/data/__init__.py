"""Datasets by name: real layouts (RAF-DB, FER2013, CK+, class folders, FER-GiMeFive) and the synthetic default."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gimefive_lib.data.aggregate import Aggregate
from gimefive_lib.data.ckplus import CKPlus
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.fer2013 import Fer2013
from gimefive_lib.data.folder import FolderDataset
from gimefive_lib.data.loader import DatasetError, DatasetLoader, SplitNotFound
from gimefive_lib.data.rafdb import RafDB
from gimefive_lib.data.splits import HOLDOUT_FRACTION, VAL_FRACTION, hold_out, train_val_split
from gimefive_lib.settings import Settings, get_settings

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


@dataclass
class DatasetSplits:
    """Train, validation (carved from train, stratified) and test faces, with notes on how they were made."""

    train: FaceSet
    val: FaceSet
    test: FaceSet
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, FaceSet]:
        """The three splits by name."""
        return {"train": self.train, "val": self.val, "test": self.test}


def load_test_split(settings: Settings) -> tuple[FaceSet | None, str]:
    """The test split of ``settings.dataset`` under ``settings.data_root``, or None and a note why it is missing."""
    loader = get_loader(settings.dataset)
    if "test" not in loader.splits:
        return None, f"{settings.dataset} has no test split"
    try:
        return loader.load(settings.data_root, "test", cache_dir=settings.cache_dir), ""
    except SplitNotFound as missing:
        return None, f"no test split: {missing}"


def configured_splits(settings: Settings | None = None) -> DatasetSplits:
    """The splits the notebooks use: synthetic faces by default, ``GIMEFIVE_DATASET`` under ``GIMEFIVE_DATA`` if set.

    A real dataset's validation faces are carved from its train split as ``train`` carves them. Where its test split
    is missing (withheld, or a dataset without one), ``HOLDOUT_FRACTION`` of train is held out as the test split
    first, as ``compare --holdout`` does: the validation faces that choose the epoch are never the ones tested on.
    """
    settings = settings or get_settings()
    if not settings.uses_real_data or settings.dataset == SYNTHETIC:
        from gimefive_lib.zoo import synthetic_data

        return synthetic_data(settings)
    loader = get_loader(settings.dataset)
    full = loader.load(settings.data_root, "train", cache_dir=settings.cache_dir)
    test, missing = load_test_split(settings)
    notes = []
    if test is None:
        full, test = hold_out(full, HOLDOUT_FRACTION, seed=settings.seed)
        notes = [missing, f"{HOLDOUT_FRACTION:.0%} of train held out as the test split ({len(test)} faces), "
                          f"as `compare --holdout {HOLDOUT_FRACTION}` does"]
    train, val = train_val_split(full, VAL_FRACTION, seed=settings.seed)
    train, val = replace(train, name=f"{loader.name}-train"), replace(val, name=f"{loader.name}-val")
    return DatasetSplits(train, val, test, notes)


__all__ = [
    "LOADERS",
    "Aggregate",
    "CKPlus",
    "DatasetError",
    "DatasetLoader",
    "DatasetSplits",
    "FaceSet",
    "Fer2013",
    "FolderDataset",
    "RafDB",
    "SplitNotFound",
    "configured_splits",
    "load_test_split",
    "get_loader",
]
