"""The splits the notebooks use: the synthetic default, or the dataset the settings name, with validation carved from
train and a test split held out where the dataset has none."""

from __future__ import annotations

from dataclasses import replace

from gimefive_lib.data.datasets.base import SplitNotFound
from gimefive_lib.data.datasets.registry import SYNTHETIC, get_loader
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import HOLDOUT_FRACTION, VAL_FRACTION, DatasetSplits, hold_out, train_val_split
from gimefive_lib.data.synthetic.cache import cached_synthetic_splits
from gimefive_lib.data.synthetic.render import DEFAULT_STYLE, GENERATOR_VERSION
from gimefive_lib.settings import Settings, get_settings

SYNTHETIC_VAL_FRACTION = 0.15  # the share of the synthetic train faces held out for validation


def synthetic_recipe(settings: Settings | None = None) -> dict:
    """What the notebooks' synthetic splits are made of: generator, style, sizes, seed and validation share. A model
    trained on them stores this, so that a later generator or seed is never paired with its weights."""
    settings = settings or get_settings()
    n_train, n_test = (1200, 300) if settings.fast else (6000, 1200)
    return {"generator": GENERATOR_VERSION, "style": DEFAULT_STYLE, "n_train": n_train, "n_test": n_test,
            "seed": settings.seed, "val_fraction": SYNTHETIC_VAL_FRACTION}


def synthetic_data(settings: Settings | None = None) -> DatasetSplits:
    """Synthetic train/val/test faces (test faces have other identities); fast mode uses fewer faces."""
    settings = settings or get_settings()
    recipe = synthetic_recipe(settings)
    train, test = cached_synthetic_splits(recipe, settings.cache_dir)
    train, val = train_val_split(train, SYNTHETIC_VAL_FRACTION, seed=recipe["seed"])
    return DatasetSplits(train, val, test)


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
