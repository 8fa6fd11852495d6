"""Static copies of interactive outputs, so a notebook reads on GitHub and nbviewer without a kernel.

A plotly figure is stored as its JSON, which only JupyterLab draws; :func:`add_plotly_png` renders each stored figure
with kaleido (and a Chromium it finds) into a PNG in the same output. JupyterLab still shows the interactive figure,
a page without plotly shows the picture.
"""

from __future__ import annotations

import base64
import json

import nbformat
import plotly.io as pio

from gimefive_lib.notebook.setup import STATIC_HEIGHT, STATIC_WIDTH

PLOTLY = "application/vnd.plotly.v1+json"
PNG = "image/png"


def plotly_outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    """The outputs of ``notebook`` that hold a plotly figure."""
    return [out for cell in notebook.cells for out in cell.get("outputs", []) if PLOTLY in out.get("data", {})]


def add_plotly_png(notebook: nbformat.NotebookNode) -> int:
    """Give every plotly output without one a static PNG of the same figure; returns how many were added."""
    added = 0
    for out in plotly_outputs(notebook):
        if PNG in out["data"]:
            continue
        figure = pio.from_json(json.dumps(out["data"][PLOTLY]))
        png = figure.to_image(format="png", width=STATIC_WIDTH, height=STATIC_HEIGHT)
        out["data"][PNG] = base64.b64encode(png).decode("ascii")
        added += 1
    return added
