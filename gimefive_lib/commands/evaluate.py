"""``evaluate``: accuracy, per-class accuracy, macro F1 and the confusion matrix of a checkpoint on a split."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gimefive_lib.commands.common import add_dataset_arguments, load_faces
from gimefive_lib.devices import select_device
from gimefive_lib.evaluation import evaluate_model
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import load_model


def register(subparsers) -> None:
    """Add the ``evaluate`` sub-command."""
    p = subparsers.add_parser("evaluate", help="evaluate a checkpoint on a dataset split")
    add_dataset_arguments(p)
    p.add_argument("--checkpoint", type=Path, help="checkpoint (default: $GIMEFIVE_CHECKPOINT or the shipped one)")
    p.add_argument("--split", default="test")
    p.add_argument("--device", default="auto")
    p.add_argument("--no-tta", action="store_true", help="no horizontal-flip test-time augmentation")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load checkpoint and split, evaluate, print the report."""
    device = select_device(args.device)
    model, _ = load_model(args.checkpoint or get_settings().checkpoint, device)
    started = time.perf_counter()
    faces = load_faces(args, args.split)
    report = evaluate_model(model, faces, device, flip_tta=not args.no_tta)
    report["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{faces.name}: accuracy {report['accuracy']:.4f}, macro F1 {report['macro_f1']:.4f}, n = {report['n']}")
    for name in EMOTIONS:
        value = report["per_class_accuracy"][name]
        print(f"  {name:<10} {'-' if value is None else f'{value:.4f}'}")
    return 0
