"""Slide metadata, so that every notebook presents as a deck with jupyterlab-rise (or nbconvert's reveal.js slides).

The rules, one idea per slide: the title and each ``##`` section open a slide; each ``###`` heading and each figure
open a sub-slide below it; other code cells appear as fragments; solutions and autograder checks are speaker notes,
so a class sees the exercise, not its answer.
"""

from __future__ import annotations

import nbformat

FIGURE_TYPES = (
    "image/png", "image/svg+xml", "application/vnd.plotly.v1+json", "application/vnd.jupyter.widget-view+json",
)
# Notebook-level RISE settings: long slides scroll; the slide fills the screen so figures are large.
RISE_SETTINGS = {"scroll": True, "theme": "simple", "transition": "none", "width": "100%", "height": "100%",
                 "enable_chalkboard": False, "autolaunch": False}


def _shows_a_figure(cell: nbformat.NotebookNode) -> bool:
    return any(kind in out.get("data", {}) for out in cell.get("outputs", []) for kind in FIGURE_TYPES)


def slide_type(cell: nbformat.NotebookNode, first: bool) -> str:
    """The RISE ``slide_type`` of one cell under this module's rules."""
    grading = cell.get("metadata", {}).get("nbgrader", {})
    if grading.get("solution") or grading.get("grade"):
        return "notes"
    if first:
        return "slide"
    if cell.cell_type == "markdown":
        heading = cell.source.lstrip()
        if heading.startswith(("# ", "## ")):
            return "slide"
        return "subslide" if heading.startswith("### ") else "-"
    if cell.cell_type == "code":
        return "subslide" if _shows_a_figure(cell) else "fragment"
    return "skip"


def add_slide_metadata(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Set ``metadata.slideshow.slide_type`` on every cell and the notebook's RISE settings; returns the notebook."""
    for index, cell in enumerate(notebook.cells):
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell, first=index == 0)}
    notebook.metadata["rise"] = dict(RISE_SETTINGS)
    return notebook
