"""Run the frame pipeline over a whole source and write the annotated video and the CSV."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.frames import FrameSource
from gimefive_lib.video.pipeline import FramePipeline
from gimefive_lib.video.writer import CSV_COLUMNS, AnnotatedVideoWriter, result_rows, write_csv


@dataclass
class VideoRun:
    """What a run did: frames, faces found, seconds (decode to encode), the per-face table and the files written."""

    source: str
    frames: int
    faces: int
    seconds: float
    table: pd.DataFrame
    output: Path | None = None
    csv: Path | None = None

    @property
    def fps(self) -> float:
        """Frames per second over the whole loop (read, detect, classify, Grad-CAM, draw, write)."""
        return self.frames / self.seconds if self.seconds > 0 else float("nan")


def annotate_video(
    source: FrameSource,
    pipeline: FramePipeline,
    output: str | Path | None = None,
    csv: str | Path | None = None,
    *,
    max_frames: int | None = None,
    landmarks: bool = True,
    progress: bool = False,
) -> VideoRun:
    """Analyse and draw every frame of ``source``; write ``output`` (video) and ``csv`` when given.

    A live source stops cleanly on Ctrl-C, keeping what was recorded; any other error leaves no output file.
    """
    pipeline.reset()
    rows: list[dict] = []
    frames = 0
    writer = AnnotatedVideoWriter(output, source.fps) if output is not None else None
    started = time.perf_counter()
    try:
        for frame in tqdm(source, desc=source.name, disable=not progress, total=getattr(source, "frame_count", None)):
            if max_frames is not None and frames >= max_frames:
                break
            result = pipeline.process(frame.image, frame.index, frame.time_s, frame.landmarks)
            rows.extend(result_rows(result))
            if writer is not None:
                writer.write(draw_results(frame.image, result, landmarks=landmarks))
            frames += 1
    except KeyboardInterrupt:
        if not source.live:
            if writer is not None:
                writer.abort()
            raise
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    seconds = time.perf_counter() - started
    if frames == 0:
        if writer is not None:
            writer.abort()
        raise ValueError(f"{source.name}: no frames were read")
    table = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    written = writer.close() if writer is not None else None
    csv_path = write_csv(table, csv) if csv is not None else None
    return VideoRun(source.name, frames, len(table), seconds, table, written, csv_path)

