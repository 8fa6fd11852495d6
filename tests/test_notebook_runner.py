"""The headless notebook runner behind ``make run``: output widgets work, no widget state is stored."""

from __future__ import annotations

import nbformat

from gimefive_lib.notebooks import execute_notebook, notebook_paths

OUTPUT_WIDGET_CELL = """\
import ipywidgets as widgets
from IPython.display import display

out = widgets.Output()
display(out)
with out:
    print("inside the output widget")
print("after the widget")
"""


def test_a_notebook_printing_into_an_output_widget_runs_and_stores_no_widget_state(tmp_path):
    source = tmp_path / "widget.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(OUTPUT_WIDGET_CELL)]), source)
    executed = tmp_path / "executed.ipynb"
    execute_notebook(source, executed, timeout=120)
    notebook = nbformat.read(executed, as_version=4)
    texts = [output.get("text", "") for output in notebook.cells[0].outputs]
    assert any("after the widget" in text for text in texts)
    assert "widgets" not in notebook.metadata


def test_the_series_is_found_in_lesson_order():
    names = [path.name for path in notebook_paths()]
    assert names == sorted(names) and names[0].startswith("01_") and len(names) == 7


CLOSED_BAR_CELL = """\
from tqdm.notebook import tqdm

for _ in tqdm(range(3), desc="finished", leave=False):
    pass
for _ in tqdm(range(3), desc="kept", leave=True):
    pass
"""


def test_a_progress_bar_that_closed_leaves_no_output_and_one_left_open_stays(tmp_path):
    source = tmp_path / "bars.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CLOSED_BAR_CELL)]), source)
    executed = tmp_path / "executed.ipynb"
    execute_notebook(source, executed, timeout=120)
    outputs = nbformat.read(executed, as_version=4).cells[0].outputs
    texts = [out.get("data", {}).get("text/plain", "") for out in outputs]
    assert not any("finished" in text for text in texts)
    assert any("kept" in text for text in texts)
