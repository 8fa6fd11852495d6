"""The emotion timeline of a video: the six (smoothed) probabilities of each tracked face over time (plotly)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from matplotlib.figure import Figure

from gimefive_lib.data.detection import Box, iou
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.video.draw import EMOTION_COLORS

NO_FACE = "no face was followed long enough to plot"


def followed_faces(table: pd.DataFrame, min_frames: int = 3) -> list[int]:
    """Track ids of the faces seen in at least ``min_frames`` frames, in order."""
    counts = table["face"].value_counts() if len(table) else pd.Series(dtype=int)
    return sorted(int(face) for face, n in counts.items() if n >= min_frames)


def label_switches(table: pd.DataFrame) -> int:
    """How often the shown label changes from one frame to the next, summed over the tracked faces (flicker)."""
    return int(sum((rows["label"] != rows["label"].shift()).iloc[1:].sum() for _, rows in table.groupby("face")))


def faces_left_to_right(table: pd.DataFrame) -> list[int]:
    """Track ids of a video table ordered by the mean horizontal centre of their boxes (left first)."""
    centres = (table["x"] + table["w"] / 2).groupby(table["face"]).mean()
    return [int(face) for face in centres.sort_values().index]


def apex_and_settle(table: pd.DataFrame, emotions: Sequence[str], tail: float = 0.25) -> pd.DataFrame:
    """How each face of a neutral-to-apex clip is read, faces matched to ``emotions`` from left to right.

    ``apex``: the mean (smoothed) probability of the face's emotion over the last ``tail`` of its frames;
    ``settles_at``: the time from which the shown label is that emotion to the end of the clip (NaN: never).
    """
    rows = {}
    for face, emotion in zip(faces_left_to_right(table), emotions, strict=False):
        mine = table[table["face"] == face].sort_values("frame")
        last = mine.iloc[-max(1, int(round(tail * len(mine)))):]
        wrong = np.flatnonzero(mine["label"].to_numpy() != emotion)
        settled = len(wrong) == 0 or wrong[-1] + 1 < len(mine)
        start = 0 if len(wrong) == 0 else wrong[-1] + 1
        rows[emotion] = {"face": face, "apex": float(last[emotion].mean()),
                         "settles_at": float(mine["time_s"].iloc[start]) if settled else np.nan}
    return pd.DataFrame.from_dict(rows, orient="index")


def box_agreement(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Frame by frame, the largest face of two video tables of the same clip (e.g. two detectors): the IoU of their
    boxes, their side lengths and whether they show the same label. Frames where either found no face are left out."""
    def largest(table: pd.DataFrame) -> pd.DataFrame:
        return table.assign(area=table["w"] * table["h"]).sort_values("area").groupby("frame").last()

    a, b = largest(first), largest(second)
    frames = a.index.intersection(b.index)
    boxes = {name: [Box(*map(int, t.loc[f, ["x", "y", "w", "h"]])) for f in frames] for name, t in (("a", a), ("b", b))}
    return pd.DataFrame({
        "iou": [iou(p, q) for p, q in zip(boxes["a"], boxes["b"], strict=True)],
        "side_first": a.loc[frames, "w"].to_numpy(), "side_second": b.loc[frames, "w"].to_numpy(),
        "same_label": (a.loc[frames, "label"] == b.loc[frames, "label"]).to_numpy(),
    }, index=frames)


def emotion_timeline(table: pd.DataFrame, title: str = "Emotion timeline", min_frames: int = 3) -> go.Figure:
    """One line per emotion over ``time_s``, one panel per face seen in at least ``min_frames`` frames."""
    faces = followed_faces(table, min_frames)
    if not faces:
        figure = go.Figure()
        figure.add_annotation(text=NO_FACE, showarrow=False, x=0.5, y=0.5,
                              xref="paper", yref="paper")
        return figure.update_layout(title=title, height=250)
    kept = table[table["face"].isin(faces)]
    long = kept.melt(["time_s", "face"], list(EMOTIONS), var_name="emotion", value_name="probability")
    long["face"] = "face " + long["face"].astype(str)
    colors = {name: "rgb({},{},{})".format(*EMOTION_COLORS[k]) for k, name in enumerate(EMOTIONS)}
    figure = px.line(long, x="time_s", y="probability", color="emotion", facet_row="face", color_discrete_map=colors,
                     category_orders={"emotion": list(EMOTIONS)}, labels={"time_s": "time (s)"}, title=title)
    figure.update_yaxes(range=[0, 1])
    return figure.update_layout(height=180 + 170 * len(faces))


def emotion_timeline_static(table: pd.DataFrame, min_frames: int = 3) -> Figure:
    """The same timeline as a matplotlib figure (one panel per face), for static notebooks and PNG files."""
    faces = followed_faces(table, min_frames)
    figure, axes = plt.subplots(max(len(faces), 1), 1, figsize=(9, 2.4 * max(len(faces), 1)), squeeze=False)
    for ax, face in zip(axes[:, 0], faces, strict=False):
        rows = table[table["face"] == face]
        for k, name in enumerate(EMOTIONS):
            ax.plot(rows["time_s"], rows[name], color=np.array(EMOTION_COLORS[k]) / 255, label=name)
        ax.set(ylim=(0, 1), ylabel="probability", title=f"face {face}")
    if faces:
        axes[0, 0].legend(loc="upper left", ncol=6, fontsize=8)
    else:
        axes[0, 0].text(0.5, 0.5, NO_FACE, ha="center", transform=axes[0, 0].transAxes)
    axes[-1, 0].set_xlabel("time (s)")
    figure.tight_layout()
    return figure
