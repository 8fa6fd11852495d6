"""The headless notebook runner behind ``make run``: output widgets work, no widget state is stored."""

from __future__ import annotations

import asyncio
from queue import Empty

import nbformat
import pytest

from gimefive_lib.notebook.runner import execute_notebook, notebook_paths, poll_in_slices

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


class MissedWakeUp:
    """A channel's ``get_msg`` whose message is found only by the ``ready_after``-th poll (earlier ones time out)."""

    def __init__(self, ready_after: int) -> None:
        self.ready_after, self.timeouts = ready_after, []

    async def get_msg(self, timeout: float | None = None) -> dict:
        self.timeouts.append(timeout)
        if len(self.timeouts) < self.ready_after:
            raise Empty
        return {"msg_type": "execute_reply"}


def test_a_long_poll_is_cut_into_slices_so_a_missed_wake_up_costs_one_slice():
    channel = MissedWakeUp(ready_after=3)
    message = asyncio.run(poll_in_slices(channel.get_msg, slice_s=0.01)(timeout=3 * 3600))
    assert message == {"msg_type": "execute_reply"}
    assert len(channel.timeouts) == 3 and all(t <= 0.01 for t in channel.timeouts)


def test_a_sliced_poll_without_a_message_still_times_out_when_its_own_timeout_is_spent():
    channel = MissedWakeUp(ready_after=10**9)
    with pytest.raises(Empty):
        asyncio.run(poll_in_slices(channel.get_msg, slice_s=0.01)(timeout=0.05))
    assert len(channel.timeouts) >= 2 and channel.timeouts[-1] <= 0.01


def test_the_runner_polls_the_kernels_replies_and_outputs_in_slices(tmp_path, monkeypatch):
    import gimefive_lib.notebook.runner as runner

    wrapped = []
    monkeypatch.setattr(runner, "poll_in_slices", lambda get_msg: wrapped.append(get_msg) or poll_in_slices(get_msg))
    source = tmp_path / "one.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('sliced')")]), source)
    execute_notebook(source, tmp_path / "executed.ipynb", timeout=120)
    assert len(wrapped) == 2  # the shell channel (replies) and the IOPub channel (outputs)
    assert "sliced" in nbformat.read(tmp_path / "executed.ipynb", as_version=4).cells[0].outputs[0]["text"]


def test_native_log_noise_is_dropped_and_real_stderr_kept():
    from gimefive_lib.notebook.runner import drop_native_log_noise

    noise = (
        "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n"
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "W0000 00:00:1796199783.377549   30346 inference_feedback_manager.cc:114] Feedback manager requires a model\n"
    )
    vp8 = "OpenCV: FFMPEG: tag 0x30385056/'VP80' is not supported with codec id 139 and format 'webm / WebM'\n"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stderr", text=noise)]),
        nbformat.v4.new_code_cell(outputs=[
            nbformat.v4.new_output("stream", name="stderr", text=vp8 + "a real warning\n"),
            nbformat.v4.new_output("stream", name="stdout", text="kept\n"),
        ]),
    ])
    drop_native_log_noise(notebook)
    assert notebook.cells[0].outputs == []
    assert [o["text"] for o in notebook.cells[1].outputs] == ["a real warning\n", "kept\n"]


def test_plotly_outputs_get_a_static_png_of_the_same_figure():
    import base64

    import plotly.graph_objects as go

    from gimefive_lib.notebook.setup import static_images_available
    from gimefive_lib.notebook.static import PLOTLY, PNG, add_plotly_png

    if not static_images_available():
        pytest.skip("needs kaleido and a Chromium")
    figure = go.Figure(go.Bar(x=["happiness", "fear"], y=[3, 1])).to_plotly_json()
    output = nbformat.v4.new_output("display_data", data={PLOTLY: figure, "text/plain": "figure"})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])])
    assert add_plotly_png(notebook) == 1 and add_plotly_png(notebook) == 0  # added once, then kept
    png = base64.b64decode(notebook.cells[0].outputs[0]["data"][PNG])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    nbformat.validate(notebook)
