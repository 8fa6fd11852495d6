"""``compare``: notebook 03 from the shell. Every model trained with one protocol on one split, then the table
(accuracies, bootstrap interval, McNemar against GiMeFive, size, FLOPs, CPU speed), per-class accuracy and confusion
matrices, written to the run folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.cli.arguments import add_dataset_arguments, load_faces
from gimefive_lib.cli.train import add_training_arguments, config_from_args
from gimefive_lib.data.datasets.base import SplitNotFound
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import hold_out, train_val_split
from gimefive_lib.evaluation.comparison import (
    REFERENCE,
    comparison_report,
    comparison_table,
    train_and_evaluate,
    write_comparison,
)
from gimefive_lib.models import MODEL_NAMES


def register(subparsers) -> None:
    """Add the ``compare`` sub-command."""
    p = subparsers.add_parser("compare", help="train and compare models under one protocol (notebook 03)")
    add_dataset_arguments(p)
    p.add_argument("--models", nargs="+", default=list(MODEL_NAMES), choices=MODEL_NAMES, metavar="MODEL",
                   help=f"models to compare (default: all of {', '.join(MODEL_NAMES)})")
    add_training_arguments(p)
    p.add_argument("--holdout", type=options.fraction, default=0.0, metavar="FRACTION",
                   help="hold out this stratified fraction of train as the test split (for folders without one)")
    p.add_argument("--out", type=options.writable_folder, default=Path("runs/compare"),
                   help="one run folder per model (an interrupted comparison resumes), comparison.csv and .json")
    p.add_argument("--table", type=options.output_file, metavar="CSV",
                   help="also write the table here, and the report beside it (.json), e.g. into figures/")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    # config_from_args reads --model and --init of `train`: every model starts from random weights here, and
    # train_and_evaluate puts each name of --models in place of the reference.
    p.set_defaults(run=run, init="", model=REFERENCE)


def comparison_splits(args: argparse.Namespace) -> tuple[FaceSet, FaceSet, FaceSet]:
    """Train and validation carved from the train split, and the test split (or a part of train held out)."""
    if args.val_fraction == 0:
        raise SystemExit("compare validates every model: --val-fraction must be above 0")
    faces = load_faces(args, "train")
    if args.holdout:
        faces, test = hold_out(faces, args.holdout, seed=args.seed)
    else:
        try:
            test = load_faces(args, "test")
        except SplitNotFound as missing:
            hint = "pass --holdout FRACTION to hold out part of train as the test split"
            raise SystemExit(f"{missing}; {hint}") from None
    train, val = train_val_split(faces, args.val_fraction, seed=args.seed)
    return train, val, test


def run(args: argparse.Namespace) -> int:
    """Train (or load) every model, evaluate it on the three splits, write and print the comparison."""
    train, val, test = comparison_splits(args)
    print(f"{len(train)} train / {len(val)} validation / {len(test)} test faces ({test.name}); "
          f"models {', '.join(args.models)}", flush=True)
    config = config_from_args(args)
    results = train_and_evaluate(args.models, config, train, val, test, args.out)
    table = comparison_table(results, test)
    report = comparison_report(results, table, (train, val, test), config)
    written = [args.out / "comparison.csv"] + ([args.table] if args.table else [])
    for csv in written:
        write_comparison(table, report, csv)
    if args.json:
        print(json.dumps(report))
    else:
        print(table.round(3).to_string())
        print(f"written: {', '.join(f'{csv} (.json)' for csv in written)}")
    return 0
