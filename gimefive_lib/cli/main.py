"""``python -m gimefive_lib <command>``: every notebook step is also reachable from the shell."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each command module beside this one (cli/<command>.py) adds one sub-command with ``register(subparsers)``.
COMMANDS: tuple[str, ...] = (
    "train", "evaluate", "compare", "export", "notebooks", "video", "data", "explain", "landmarks"
)


def build_parser(commands: tuple[str, ...] = COMMANDS) -> argparse.ArgumentParser:
    """The argument parser with ``commands`` (default: every sub-command) registered.

    A command whose packages are not installed is still listed, with the missing package named; choosing it
    exits with that message instead of a traceback.
    """
    parser = argparse.ArgumentParser(prog="python -m gimefive_lib", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in commands:
        try:
            module = importlib.import_module(f"gimefive_lib.cli.{name}")
        except ModuleNotFoundError as missing:
            needs = f"needs the package {missing.name!r}, which is not installed (see environment.yml)"
            if len(commands) == 1:
                raise SystemExit(f"python -m gimefive_lib {name}: {needs}") from None
            subparsers.add_parser(name, help=f"unavailable here: {needs}")
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    # Import only the chosen command's module, so that ``train`` runs on a bare GPU server that has torch but not
    # the notebook, Grad-CAM or MediaPipe packages the other commands need.
    chosen = (argv[0],) if argv and argv[0] in COMMANDS else COMMANDS
    args = build_parser(chosen).parse_args(argv)
    return int(args.run(args) or 0)
