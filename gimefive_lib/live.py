"""Live training curves in a notebook: one plotly figure that is redrawn after every epoch."""

from __future__ import annotations

import plotly.graph_objects as go
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


class LiveCurves:
    """Pass as ``Trainer(config, on_epoch=LiveCurves())``: the figure in the cell output updates each epoch."""

    def __init__(self, title: str = "training") -> None:
        from IPython.display import display

        self.title = title
        self.rows: list[dict] = []
        self.handle = display(history_figure([], title), display_id=True)

    def __call__(self, row: dict) -> None:
        self.rows.append(row)
        self.handle.update(history_figure(self.rows, self.title))
