"""Files written whole or not at all: each goes to a new temp file beside its target, then one rename.

A reader (or a run killed half-way) sees the old file or the new one, never half of one. Every writer of the
suite that leaves a file behind (checkpoints, run histories, cached faces, reports, tables, CSVs, student
notebooks) goes through :func:`atomic_write`.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def temp_beside(path: Path) -> Path:
    """A new hidden name beside ``path``: ``.NAME.<8 hex digits>.tmp``."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, newline: str | None = None,
                 sync: bool = False) -> Iterator[IO]:
    """Open a temp file beside ``path`` (``mode`` "w" or "wb"); when the block ends without an error the temp file
    replaces ``path`` in one rename, else it is deleted. ``sync`` flushes it to the disk before the rename.

    The temp file is created exclusively under a random name, so writers of one path at once (DDP ranks) never
    share it, and with the usual permissions (``tempfile.mkstemp`` would make it private to its owner).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(path)
    try:
        with temp.open(mode.replace("w", "x"), newline=newline) as f:
            yield f
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through :func:`atomic_write`; returns the path."""
    with atomic_write(path) as f:
        f.write(text)
    return Path(path)


def link_atomic(source: str | Path, path: str | Path) -> Path:
    """Make ``path`` a hard link to ``source`` (one copy on disk), replacing ``path`` in one rename; where the file
    system has no hard links, copy the bytes instead."""
    source, path = Path(source), Path(path)
    temp = temp_beside(path)
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path
