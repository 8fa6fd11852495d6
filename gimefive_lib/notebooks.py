"""Execute the notebook series headless, in order, writing executed copies to a build folder."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gimefive_lib.settings import PROJECT_DIR

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"


def notebook_paths(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks of the series, in lesson order (by their ``NN_`` prefix)."""
    paths = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"{folder}: no notebooks named NN_*.ipynb")
    return paths


@contextmanager
def _environment(overrides: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


CELL_TIMEOUT_S = 3 * 3600  # a guard against a hung cell, not a budget: notebook 03 trains six models in one cell


def execute_notebook(
    path: Path, output: Path | None = None, timeout: int = CELL_TIMEOUT_S, env: dict | None = None
) -> float:
    """Run one notebook top to bottom in a fresh kernel; write the executed copy to ``output``; return seconds.
    ``timeout`` is per cell, in seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # False breaks nbclient when an Output widget receives output
    )
    started = time.perf_counter()
    with _environment(env or {}):
        client.execute()
    notebook.metadata.pop("widgets", None)  # live widget state is meaningless without the kernel; keep files small
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, output)
    return time.perf_counter() - started


def run_series(
    output_dir: Path, fast: bool = False, only: list[str] | None = None, inplace: bool = False
) -> list[tuple[Path, float]]:
    """Execute every notebook (or those whose name contains one of ``only``) and return (path, seconds) pairs."""
    env = {"GIMEFIVE_FAST": "1"} if fast else {}
    done = []
    for path in notebook_paths():
        if only and not any(key in path.name for key in only):
            continue
        target = path if inplace else output_dir / path.name
        print(f"running {path.name} ...", flush=True)
        seconds = execute_notebook(path, target, env=env)
        print(f"  done in {seconds:.0f} s -> {target}", flush=True)
        done.append((target, seconds))
    return done
