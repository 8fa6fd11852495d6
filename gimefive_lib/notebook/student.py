"""Student versions of the notebooks, by nbgrader's conventions: solutions between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` are replaced by stubs, and the cells that need an answer may raise until it is written.

The instructor's notebooks in ``notebooks/`` keep the worked solutions (and run under nbval with them); the student
versions written here run under nbval too: an unanswered code cell raises ``NotImplementedError``, as nbgrader's
stub does, and carries nbval's ``raises-exception`` tag, as do the autograded test cells that check it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from gimefive_lib.files import atomic_write
from gimefive_lib.notebook.runner import notebook_paths

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
ANSWER_STUB = "YOUR ANSWER HERE"
MAY_RAISE = "raises-exception"  # nbval: the cell may raise an exception without failing the run
_REGION = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$", re.M | re.S)


def strip_solutions(source: str, stub: str) -> str:
    """``source`` with every BEGIN/END SOLUTION region (markers included) replaced by ``stub``, indented like the
    BEGIN marker. A BEGIN without its END raises ValueError."""
    if source.count(BEGIN) != source.count(END):
        raise ValueError(f"unbalanced solution markers in cell:\n{source[:200]}")
    return _REGION.sub(lambda m: "\n".join(m.group(1) + line for line in stub.splitlines()), source)


def _grading(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def student_notebook(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``notebook`` without its solutions, and how many solution cells it stubbed."""
    student = nbformat.from_dict(notebook)
    stubbed = 0
    for cell in student.cells:
        grading = _grading(cell)
        has_solution = BEGIN in cell.source
        if has_solution:
            cell.source = strip_solutions(cell.source, CODE_STUB if cell.cell_type == "code" else ANSWER_STUB)
            stubbed += 1
        if cell.cell_type == "code" and (has_solution or grading.get("grade")):
            cell.outputs, cell.execution_count = [], None
            tags = cell.metadata.setdefault("tags", [])
            if MAY_RAISE not in tags:
                tags.append(MAY_RAISE)
    student.metadata["gimefive"] = {"version": "student"}
    return student, stubbed


def write_student_versions(output_dir: Path, notebooks: list[Path] | None = None) -> list[tuple[Path, int]]:
    """Write the student version of each notebook (default: the series) to ``output_dir``; returns (path, stubs)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks or notebook_paths():
        student, stubbed = student_notebook(nbformat.read(path, as_version=4))
        target = output_dir / path.name
        with atomic_write(target) as f:
            nbformat.write(student, f)
        written.append((target, stubbed))
    return written
