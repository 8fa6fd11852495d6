"""argparse types that check an option's value before any work starts: ranges, and outputs that can be written.

A bad value stops the command with argparse's usual one line, naming the option and the value:
``argument --batch-size: must be a whole number of 1 or more, got '-8'``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path


def _number(text: str, kind: type) -> int | float:
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None


def int_at_least(low: int) -> Callable[[str], int]:
    """An int option of at least ``low`` (1 for counts, 0 for 'off = 0' options)."""

    def parse(text: str) -> int:
        value = _number(text, int)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be a whole number of {low} or more, got {text!r}")
        return value

    return parse


def float_in(low: float, high: float, low_open: bool = False, high_open: bool = False) -> Callable[[str], float]:
    """A float option in the interval from ``low`` to ``high`` (each end closed unless ``*_open``)."""
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def parse(text: str) -> float:
        value = _number(text, float)
        if not (value > low if low_open else value >= low) or not (value < high if high_open else value <= high):
            raise argparse.ArgumentTypeError(f"must lie in {interval}, got {text!r}")
        return value

    return parse


def positive_float(text: str) -> float:
    """A float option above 0 (a learning rate)."""
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """A float option of 0 or more (degrees, weight decay; 0 = off)."""
    value = _number(text, float)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


face_size = int_at_least(16)  # a face side in pixels: below 16 the models' five poolings leave nothing
count = int_at_least(1)
count_or_off = int_at_least(0)
fraction = float_in(0.0, 1.0, high_open=True)  # 0 allowed (e.g. --val-fraction 0: no validation)
proper_fraction = float_in(0.0, 1.0, low_open=True, high_open=True)
probability = float_in(0.0, 1.0)


def output_file(text: str) -> Path:
    """A file to write: not a folder, and inside a folder that exists (or can be made) and is writable."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name")
    writable_folder(str(path.parent))
    return path


def writable_folder(text: str) -> Path:
    """A folder to write into: an existing writable folder, or one that can be made under a writable folder."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write into {str(existing)!r} (permission denied)")
    return path


def refuse_same_file(source: Path | None, source_option: str, target: Path | None, target_option: str) -> None:
    """ValueError when an output would overwrite the command's own input (``video --input x --output x``)."""
    if source is not None and target is not None and Path(target).resolve() == Path(source).resolve():
        raise ValueError(f"{target_option} {target} is the {source_option} file, which it would overwrite")
