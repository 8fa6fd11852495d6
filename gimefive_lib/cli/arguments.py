"""Argument groups and dataset loading shared by the sub-commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.data import FaceSet, get_loader
from gimefive_lib.data.synthetic.render import synthetic_splits
from gimefive_lib.devices import select_device
from gimefive_lib.settings import get_settings


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dataset``, ``--root``, ``--size``, ``--skip-corrupt``, ``--no-cache``."""
    parser.add_argument(
        "--dataset", default="synthetic", help="rafdb, fer2013, ckplus, folder, fer-gimefive or synthetic"
    )
    parser.add_argument("--root", type=Path, help="dataset folder (default: $GIMEFIVE_DATA)")
    parser.add_argument("--size", type=options.face_size, default=64, help="face side length in pixels")
    parser.add_argument("--skip-corrupt", action="store_true", help="skip corrupt images and report them")
    parser.add_argument("--no-cache", action="store_true", help="decode again instead of using the cache")
    parser.add_argument(
        "--synthetic-n", type=options.count, default=6000, help="number of synthetic faces (train split)"
    )


def load_faces(args: argparse.Namespace, split: str) -> FaceSet:
    """Load ``split`` of the dataset named by the parsed arguments."""
    settings = get_settings()
    if args.dataset == "synthetic":

        n_test = max(60, args.synthetic_n // 5)
        train, test = synthetic_splits(args.synthetic_n, n_test, size=args.size, seed=settings.seed)
        return train if split == "train" else test
    root = args.root or settings.data_root
    if root is None:
        raise SystemExit(f"--root is required for --dataset {args.dataset} (or set GIMEFIVE_DATA)")
    cache = None if args.no_cache else settings.cache_dir
    return get_loader(args.dataset).load(root, split, size=args.size, cache_dir=cache, skip_corrupt=args.skip_corrupt)


def chosen_device(option: str | None) -> str:
    """``--device``, else ``$GIMEFIVE_DEVICE``, else auto; checked now, so a bad name stops before any work."""
    name = option or get_settings().device
    select_device(name)
    return name
