"""Outputs of a video run: the annotated video and the per-face CSV, each written to a temp file and renamed."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from gimefive_lib.files import atomic_write
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.video.pipeline import FrameResult

FOURCC_BY_SUFFIX: dict[str, str] = {".mp4": "mp4v", ".webm": "VP80", ".avi": "MJPG"}
CSV_COLUMNS: tuple[str, ...] = ("frame", "time_s", "face", "x", "y", "w", "h", *EMOTIONS, "label")


def remove_stale_partials(path: Path) -> list[Path]:
    """Delete the hidden partial files that a killed run writing ``path`` left beside it; returns them."""
    pattern = re.compile(rf"\.{re.escape(path.stem)}\.[0-9a-f]{{8}}\.partial{re.escape(path.suffix)}")
    folder = path.parent
    stale = [p for p in folder.glob(f".{path.stem}.*") if pattern.fullmatch(p.name)] if folder.is_dir() else []
    for partial in stale:
        partial.unlink(missing_ok=True)
    return stale


def _temp_path(path: Path) -> Path:
    """An unused hidden name next to ``path`` with the same suffix (OpenCV picks the container from it).

    The file is created by its writer with the usual permissions (``mkstemp`` would make it private).
    """
    while True:
        candidate = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
        if not candidate.exists():
            return candidate


class AnnotatedVideoWriter:
    """Write RGB frames to ``path`` (``mp4v`` for .mp4, VP8 for .webm); the file appears only when closed cleanly.

    Frames go to a hidden temp file beside ``path``, renamed on :meth:`close`; an error inside the ``with``
    block, :meth:`abort`, or closing without frames removes it, so no half-written video is ever left.
    """

    def __init__(self, path: str | Path, fps: float) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() not in FOURCC_BY_SUFFIX:
            raise ValueError(f"{self.path}: unsupported video suffix; use one of {', '.join(FOURCC_BY_SUFFIX)}")
        self.fps = fps
        self.fourcc = FOURCC_BY_SUFFIX[self.path.suffix.lower()]
        remove_stale_partials(self.path)
        self.frames = 0
        self._writer: cv2.VideoWriter | None = None
        self._temp: Path | None = None
        self._size: tuple[int, int] | None = None

    def write(self, image: np.ndarray) -> None:
        """Append one RGB frame; every frame must have the size of the first."""
        size = (image.shape[1], image.shape[0])
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._temp, self._size = _temp_path(self.path), size
            self._writer = cv2.VideoWriter(str(self._temp), cv2.VideoWriter_fourcc(*self.fourcc), self.fps, size)
            if not self._writer.isOpened():
                self.abort()
                raise OSError(f"{self.path}: OpenCV cannot write {self.fourcc} video here")
        elif size != self._size:
            raise ValueError(f"{self.path}: frame size {size} differs from the first frame's {self._size}")
        self._writer.write(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        if self._writer is None or self.frames == 0:
            self.abort()
            raise ValueError(f"{self.path}: no frames to write; nothing was created")
        self._writer.release()
        os.replace(self._temp, self.path)
        self._writer = self._temp = None
        return self.path

    def abort(self) -> None:
        """Drop the partial file."""
        if self._writer is not None:
            self._writer.release()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
        self._writer = self._temp = None

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def result_rows(result: FrameResult) -> list[dict]:
    """One CSV row per face of a frame: frame, time, track id, box, the six (smoothed) probabilities, label."""
    rows = []
    for face in result.faces:
        row = {"frame": result.index, "time_s": round(result.time_s, 4), "face": face.track_id,
               "x": face.box.x, "y": face.box.y, "w": face.box.w, "h": face.box.h}
        row.update({name: round(float(p), 5) for name, p in zip(EMOTIONS, face.smoothed, strict=True)})
        row["label"] = face.emotion
        rows.append(row)
    return rows


def results_table(results: Iterable[FrameResult]) -> pd.DataFrame:
    """All faces of all frames as a table with :data:`CSV_COLUMNS`."""
    return pd.DataFrame([row for result in results for row in result_rows(result)], columns=list(CSV_COLUMNS))


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` to ``path`` via a temp file and a rename (no half-written CSV)."""
    with atomic_write(path, newline="") as f:
        table.to_csv(f, index=False)
    return Path(path)


def browser_video(path: str | Path, width: int = 320) -> Path:
    """A VP8 ``.webm`` copy of a video, ``width`` pixels wide, that browsers play (they cannot play ``mp4v``)."""
    path = Path(path)
    target = path.with_name(f"{path.stem}.preview.webm")
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 12.0
    try:
        with AnnotatedVideoWriter(target, fps) as writer:
            while True:
                ok, bgr = capture.read()
                if not ok:
                    break
                height = int(round(bgr.shape[0] * width / bgr.shape[1]))
                small = cv2.resize(bgr, (width, height), interpolation=cv2.INTER_AREA)
                writer.write(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()
    return target
