"""The command line, ``python -m gimefive_lib <command>``: one module per command, each with a ``register``."""

from __future__ import annotations

from gimefive_lib.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
