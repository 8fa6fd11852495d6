"""Student versions: solutions become nbgrader stubs, and the cells that need an answer may raise under nbval."""

from __future__ import annotations

import nbformat
import pytest

from gimefive_lib.cli import main
from gimefive_lib.notebook.runner import notebook_paths
from gimefive_lib.notebook.student import (
    ANSWER_STUB,
    BEGIN,
    MAY_RAISE,
    strip_solutions,
    student_notebook,
)

SOLUTION = 'faces = load()\n### BEGIN SOLUTION\nanswer = faces.mean()\n### END SOLUTION\nprint("done")'
GRADED = {"nbgrader": {"grade": True, "grade_id": "ex-1-test", "locked": True, "points": 1, "solution": False}}


def _teacher_notebook() -> nbformat.NotebookNode:
    solution = nbformat.v4.new_code_cell(SOLUTION, outputs=[nbformat.v4.new_output("stream", text="done\n")])
    solution.execution_count = 3
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### Exercise 1\nWhat is the mean?"),
        solution,
        nbformat.v4.new_code_cell("assert 0 <= answer <= 255", metadata=GRADED),
        nbformat.v4.new_markdown_cell(f"{BEGIN}\nThe mean is about 100 because ...\n### END SOLUTION"),
        nbformat.v4.new_code_cell("print('untouched')"),
    ])


def test_solutions_become_stubs_and_answer_cells_may_raise():
    student, stubbed = student_notebook(_teacher_notebook())
    code, test, answer, plain = student.cells[1], student.cells[2], student.cells[3], student.cells[4]
    assert stubbed == 2
    assert code.source == 'faces = load()\n# YOUR CODE HERE\nraise NotImplementedError()\nprint("done")'
    assert code.outputs == [] and code.execution_count is None and MAY_RAISE in code.metadata.tags
    assert MAY_RAISE in test.metadata.tags and test.source == "assert 0 <= answer <= 255"
    assert answer.source == ANSWER_STUB
    assert plain.source == "print('untouched')" and "tags" not in plain.metadata


def test_indented_solutions_keep_their_indentation():
    source = "for x in range(3):\n    ### BEGIN SOLUTION\n    print(x)\n    ### END SOLUTION"
    assert strip_solutions(source, "# YOUR CODE HERE\nraise NotImplementedError()") == (
        "for x in range(3):\n    # YOUR CODE HERE\n    raise NotImplementedError()")


def test_unbalanced_markers_are_refused():
    with pytest.raises(ValueError, match="unbalanced solution markers"):
        strip_solutions("### BEGIN SOLUTION\nx = 1", "stub")


def test_the_series_student_versions_keep_no_solution(tmp_path, capsys):
    assert main(["student", "--output", str(tmp_path)]) == 0
    written = sorted(tmp_path.glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in notebook_paths()]
    for path in written:
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        nbformat.validate(nbformat.read(path, as_version=4))
    assert "solutions replaced by stubs" in capsys.readouterr().out
