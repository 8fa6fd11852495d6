"""``python -m gimefive_lib <command>``: every notebook step is also reachable from the shell."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Each command module beside this one (cli/<command>.py) adds one sub-command with ``register(subparsers)``.
PROG = "python -m gimefive_lib"
COMMANDS: tuple[str, ...] = (
    "train", "evaluate", "compare", "export", "notebooks", "student", "video", "data", "explain", "landmarks"
)


def build_parser(commands: tuple[str, ...] = COMMANDS) -> argparse.ArgumentParser:
    """The argument parser with ``commands`` (default: every sub-command) registered.

    A command whose packages are not installed is still listed, with the missing package named; choosing it
    exits with that message instead of a traceback.
    """
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error (or GIMEFIVE_DEBUG=1)")
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


def first_line(error: BaseException | str) -> str:
    """An error (or a message) as one line: the first line of its message, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit code.

    The one error boundary of every command: a user's mistake (a bad value, a missing or foreign file, a dataset
    that is not there: ValueError and OSError, the suite's DatasetError and CheckpointError among them, and the
    commands' own messages) ends the command with ``SystemExit("python -m gimefive_lib CMD: error: ...")``, one line
    on stderr naming the culprit and exit code 1; Ctrl-C exits 130 with one line. ``--debug`` anywhere on the line,
    or ``GIMEFIVE_DEBUG=1``, shows the traceback instead.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv or os.environ.get("GIMEFIVE_DEBUG", "").lower() in ("1", "true", "yes", "on")
    argv = [arg for arg in argv if arg != "--debug"]
    # Import only the chosen command's module, so that ``train`` runs on a bare GPU server that has torch but not
    # the notebook, Grad-CAM or MediaPipe packages the other commands need.
    chosen = (argv[0],) if argv and argv[0] in COMMANDS else COMMANDS
    args = build_parser(chosen).parse_args(argv)
    prefix = f"{PROG} {args.command}"
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"{prefix}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError) as error:
        if debug:
            raise
        raise SystemExit(f"{prefix}: error: {first_line(error)}") from None
    except SystemExit as stop:
        if debug or not isinstance(stop.code, str) or stop.code.startswith(PROG):
            raise
        raise SystemExit(f"{prefix}: error: {first_line(stop.code.removeprefix('error: '))}") from None
