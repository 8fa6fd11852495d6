"""``python -m gimefive_lib <command>``: every notebook step is also reachable from the shell."""

from __future__ import annotations

import argparse
import importlib

# Each module in gimefive_lib/commands/ adds one sub-command with ``register(subparsers)``.
COMMANDS: tuple[str, ...] = ("train", "evaluate", "export", "notebooks", "video", "data", "explain", "landmarks")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="python -m gimefive_lib", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"gimefive_lib.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
