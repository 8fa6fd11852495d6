"""``evaluate``: accuracy (with its bootstrap 95 % interval), per-class accuracy, macro F1 and the confusion matrix
of a checkpoint on a split; optionally McNemar's test against a second checkpoint on the same faces."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.cli.arguments import add_dataset_arguments, load_faces
from gimefive_lib.data.datasets.registry import SYNTHETIC
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import VAL_FRACTION
from gimefive_lib.devices import select_device
from gimefive_lib.evaluation.error_pattern import error_correlation
from gimefive_lib.evaluation.metrics import classification_report
from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models.prediction import predict_labels
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import (
    held_out_validation,
    load_model,
    require_held_out,
    trained_seed,
)


def register(subparsers) -> None:
    """Add the ``evaluate`` sub-command."""
    p = subparsers.add_parser("evaluate", help="evaluate a checkpoint on a dataset split")
    add_dataset_arguments(p)
    p.add_argument("--checkpoint", type=Path, help="checkpoint (default: $GIMEFIVE_CHECKPOINT or the shipped one)")
    p.add_argument("--split", default="test", help="test, train, or val: the faces `train` held out of train")
    p.add_argument(
        "--val-fraction", type=options.fraction, default=VAL_FRACTION, help="with --split val: as given to `train`"
    )
    p.add_argument("--seed", type=int, help="with --split val: as given to `train` (default: the checkpoint's)")
    p.add_argument("--against", type=Path, metavar="CHECKPOINT", help="compare with this checkpoint (McNemar)")
    p.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps (default: $GIMEFIVE_DEVICE, else auto)")
    p.add_argument("--no-tta", action="store_true", help="no horizontal-flip test-time augmentation")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def split_faces(args: argparse.Namespace, checkpoint: dict, other: dict | None = None) -> FaceSet:
    """The faces to evaluate on; ``val`` is carved from train exactly as ``train`` carved it for this checkpoint.

    A refitted checkpoint, or a carve that does not match the checkpoint's, stops with an error; so does an
    ``other`` checkpoint (``--against``) that did not hold out the same faces.
    """
    if args.split != "val":
        return load_faces(args, args.split)
    train_faces = load_faces(args, "train")
    seed = trained_seed(checkpoint) if args.seed is None else args.seed
    try:
        val = held_out_validation(checkpoint, train_faces, args.val_fraction, seed)
    except ValueError as error:
        raise SystemExit(f"{error}; evaluate it on --split test") from None
    if other is not None:
        require_same_validation(args, other, len(val), seed)
    return val


def require_same_validation(args: argparse.Namespace, other: dict, carved: int, seed: int) -> None:
    """Stop unless ``--against`` held out the ``carved`` validation faces carved with ``seed``: trained with that
    seed, not refitted, and validated on as many faces, so that neither model has seen the faces McNemar's test
    compares them on."""
    other_seed = trained_seed(other)
    if other_seed != seed:
        why = f"it was trained with seed {other_seed}, these faces were carved with seed {seed}"
    else:
        try:
            require_held_out(other, carved, f"--val-fraction {args.val_fraction} carves {carved}")
            return
        except ValueError as error:
            why = str(error)
    raise SystemExit(f"{args.against} did not hold out these validation faces ({why}): compare the two on "
                     "--split test")


def run(args: argparse.Namespace) -> int:
    """Load checkpoint(s) and split, evaluate, print the report."""
    device = select_device(args.device or get_settings().device)
    model, checkpoint = load_model(args.checkpoint or get_settings().checkpoint, device)
    other, other_checkpoint = load_model(args.against, device) if args.against is not None else (None, None)
    started = time.perf_counter()
    faces = split_faces(args, checkpoint, other_checkpoint)
    predictions = predict_labels(model, faces, device, flip_tta=not args.no_tta)
    report = classification_report(faces.labels, predictions)
    report["accuracy_ci95"] = bootstrap_accuracy_ci(faces.labels, predictions)
    if args.against is not None:
        other_predictions = predict_labels(other, faces, device, flip_tta=not args.no_tta)
        report["against"] = {
            "checkpoint": str(args.against),
            "accuracy": float((other_predictions == faces.labels).mean()),
            "mcnemar": mcnemar_test(faces.labels, predictions, other_predictions),
        }
    if args.dataset == SYNTHETIC:  # do its errors fall on the pairs real faces confuse?
        report["error_correlation_rafdb"] = error_correlation(report["confusion_matrix"])
    report["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(report))
        return 0
    low, high = report["accuracy_ci95"]
    print(f"{faces.name}: accuracy {report['accuracy']:.4f} (95 % CI {low:.4f}-{high:.4f}), "
          f"macro F1 {report['macro_f1']:.4f}, n = {report['n']}")
    for name in EMOTIONS:
        value = report["per_class_accuracy"][name]
        print(f"  {name:<10} {'-' if value is None else f'{value:.4f}'}")
    if "error_correlation_rafdb" in report:
        print(f"error correlation with the shipped model on RAF-DB validation faces: "
              f"r = {report['error_correlation_rafdb']:.2f}")
    if "against" in report:
        against = report["against"]
        print(f"against {against['checkpoint']}: accuracy {against['accuracy']:.4f}, "
              f"McNemar p = {against['mcnemar']['p_value']:.3g} ({against['mcnemar']['a_only']} faces only this "
              f"checkpoint gets right, {against['mcnemar']['b_only']} only the other)")
    return 0
