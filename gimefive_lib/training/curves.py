"""Live training curves in a notebook: one plotly figure that is redrawn after every epoch."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots


def history_figure(history: list[dict], title: str = "training") -> go.Figure:
    """Loss and accuracy (train and validation) per epoch, side by side."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss", "accuracy"))
    epochs = [row["epoch"] for row in history]
    for col, metric in ((1, "loss"), (2, "accuracy")):
        for split, dash in (("train", "solid"), ("val", "dash")):
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=[row[f"{split}_{metric}"] for row in history],
                    name=f"{split} {metric}",
                    line={"dash": dash},
                    mode="lines+markers",
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(title_text="epoch")
    fig.update_layout(title=title, height=360, width=900)
    return fig


def figure_bundle(fig: go.Figure, summary: str) -> dict:
    """The figure as a raw display bundle: plotly's JSON for JupyterLab, ``summary`` where plotly cannot render."""
    return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig, validate=False)), "text/plain": summary}


class LiveCurves:
    """Pass as ``Trainer(config, on_epoch=LiveCurves())``: the figure in the cell output updates each epoch.

    The figure is published as a raw bundle with a display id and updated in place. (A plotly figure handed to
    ``display`` draws itself and drops the id, so each update would add one more figure to the output.)
    """

    def __init__(self, title: str = "training") -> None:
        from IPython.display import display

        self.title = title
        self.rows: list[dict] = []
        self.handle = display(self._bundle(), raw=True, display_id=True)

    def __call__(self, row: dict) -> None:
        self.rows.append(row)
        self.handle.update(self._bundle(), raw=True)

    def show(self, history: list[dict]) -> None:
        """Redraw with a whole history: a resumed run's earlier epochs, or a finished run that was only loaded."""
        self.rows = list(history)
        self.handle.update(self._bundle(), raw=True)

    def _bundle(self) -> dict:
        return figure_bundle(history_figure(self.rows, self.title), f"{self.title}: {len(self.rows)} epochs")
