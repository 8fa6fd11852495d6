"""``export``: strip a training checkpoint to fp16 weights + metadata, the form that ships with the suite."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.training.checkpoint import export_weights


def register(subparsers) -> None:
    """Add the ``export`` sub-command."""
    p = subparsers.add_parser("export", help="export a checkpoint's weights (fp16) for shipping")
    p.add_argument("--checkpoint", type=Path, required=True, help="training checkpoint, e.g. runs/rafdb/best.pt")
    p.add_argument("--output", type=options.output_file, required=True)
    p.add_argument("--fp32", action="store_true", help="keep fp32 weights")
    p.add_argument("--note", default="", help="free text stored with the weights (data, licence)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the exported file and print its size."""
    options.refuse_same_file(args.checkpoint, "--checkpoint", args.output, "--output")
    path = export_weights(args.checkpoint, args.output, half=not args.fp32, extra={"note": args.note})
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0
