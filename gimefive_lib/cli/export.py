"""``export``: strip a training checkpoint to fp16 weights + metadata, the form that ships with the suite."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.settings import SHIPPED_SYNTHETIC
from gimefive_lib.training.checkpoint import export_weights
from gimefive_lib.training.recipes import export_synthetic_model


def register(subparsers) -> None:
    """Add the ``export`` sub-command."""
    p = subparsers.add_parser("export", help="export a checkpoint's weights (fp16) for shipping")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path, help="training checkpoint, e.g. runs/rafdb/best.pt")
    source.add_argument(
        "--synthetic-default", action="store_true",
        help="train (or resume) GiMeFive on the synthetic default with the long budget (about 11 min on 2 CPU cores) "
        "and ship it as gimefive_lib/weights/gimefive_synthetic.pt, the model of lessons 04, 05 and 07",
    )
    p.add_argument("--output", type=options.output_file, help="where to write (required with --checkpoint)")
    p.add_argument("--fp32", action="store_true", help="keep fp32 weights")
    p.add_argument("--note", default="", help="free text stored with the weights (data, licence)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the exported file and print its size."""
    if args.synthetic_default:
        path = export_synthetic_model(output=args.output or SHIPPED_SYNTHETIC)
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
        return 0
    if args.output is None:
        raise ValueError("--output is required with --checkpoint")
    options.refuse_same_file(args.checkpoint, "--checkpoint", args.output, "--output")
    path = export_weights(args.checkpoint, args.output, half=not args.fp32, extra={"note": args.note})
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0
