"""``notebooks``: execute the notebook series headless (what ``make run`` does)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.notebook.runner import run_series
from gimefive_lib.settings import PROJECT_DIR, get_settings


def register(subparsers) -> None:
    """Add the ``notebooks`` sub-command."""
    p = subparsers.add_parser("notebooks", help="execute the notebooks in order, headless")
    p.add_argument("--output", type=Path, default=PROJECT_DIR / "build" / "notebooks", help="executed copies go here")
    p.add_argument("--fast", action="store_true", help="fast mode (GIMEFIVE_FAST=1)")
    p.add_argument("--only", nargs="*", help="run only notebooks whose file name contains one of these")
    p.add_argument("--inplace", action="store_true", help="store outputs in the notebooks themselves")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Execute the series and say where the results are."""
    done = run_series(args.output, fast=args.fast, only=args.only, inplace=args.inplace)
    total = sum(seconds for _, seconds in done)
    print(f"{len(done)} notebooks executed in {total / 60:.1f} min")
    print(f"executed notebooks: {args.output if not args.inplace else 'in place'}")
    print(f"figures: {get_settings().figures_dir}")
    return 0
