"""The live training curves of notebook 02: one output, updated in place, that also draws a loaded run."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from gimefive_lib.training.curves import LiveCurves

PLOTLY = "application/vnd.plotly.v1+json"


def row(epoch: int) -> dict:
    return {"epoch": epoch, "train_loss": 1.0 / epoch, "train_accuracy": 0.5, "val_loss": 1.2 / epoch,
            "val_accuracy": 0.4, "lr": 1e-3}


@pytest.fixture
def shell():
    return InteractiveShell.instance()


def points(output) -> list[int]:
    return [len(trace["x"]) for trace in output.data[PLOTLY]["data"]]


def test_live_curves_update_one_output_instead_of_adding_a_figure_per_epoch(shell):
    with capture_output() as captured:
        curves = LiveCurves("run")
        for epoch in (1, 2, 3):
            curves(row(epoch))
    first, *updates = captured.outputs
    display_id = first.transient["display_id"]
    assert not first.update and points(first) == [0, 0, 0, 0]
    assert [output.update for output in updates] == [True, True, True]
    assert {output.transient["display_id"] for output in updates} == {display_id}
    assert points(updates[-1]) == [3, 3, 3, 3]
    assert updates[-1].data["text/plain"] == "run: 3 epochs"


def test_live_curves_draw_a_history_that_was_loaded_rather_than_trained(shell):
    with capture_output() as captured:
        LiveCurves("run").show([row(1), row(2)])
    assert captured.outputs[-1].update and points(captured.outputs[-1]) == [2, 2, 2, 2]
