"""Run the frame pipeline over a whole source and write the annotated video and the CSV."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from gimefive_lib.devices import torch_threads
from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.frames import Frame, FrameSource
from gimefive_lib.video.lookahead import located_frames, torch_threads_beside_detector
from gimefive_lib.video.pipeline import FramePipeline, LocatedFaces
from gimefive_lib.video.writer import CSV_COLUMNS, AnnotatedVideoWriter, result_rows, write_csv


@dataclass
class VideoRun:
    """What a run did: frames, faces found, seconds (decode to encode), the per-face table, the files written and
    the mean milliseconds per frame of each stage (detect, classify, cam, landmarks, draw, encode; with lookahead
    detection runs beside the others, so the stages add up to more than the time per frame)."""

    source: str
    frames: int
    faces: int
    seconds: float
    table: pd.DataFrame
    output: Path | None = None
    csv: Path | None = None
    stage_ms: dict[str, float] = field(default_factory=dict)

    @property
    def fps(self) -> float:
        """Frames per second over the whole loop (read, detect, classify, Grad-CAM, draw, write)."""
        return self.frames / self.seconds if self.seconds > 0 else float("nan")


def _in_order(frames: Iterator[Frame], pipeline: FramePipeline) -> Iterator[tuple[Frame, LocatedFaces]]:
    """Each frame with its faces located, in this thread, one frame at a time."""
    for frame in frames:
        yield frame, pipeline.locate(frame.image)


def annotate_video(
    source: FrameSource,
    pipeline: FramePipeline,
    output: str | Path | None = None,
    csv: str | Path | None = None,
    *,
    max_frames: int | None = None,
    landmarks: bool = True,
    progress: bool = False,
    lookahead: bool = True,
    threads: int | None = None,
) -> VideoRun:
    """Analyse and draw every frame of ``source``; write ``output`` (video) and ``csv`` when given.

    With ``lookahead`` (the default) the next frames are read and their faces located in a second thread while
    this one classifies, explains, draws and writes (:mod:`gimefive_lib.video.lookahead`), and torch runs on
    ``threads`` threads (default: all cores but the one the detector uses); the results are the same as one
    frame at a time. A live source stops cleanly on Ctrl-C, keeping what was recorded; any other error leaves
    no output file.
    """
    pipeline.reset()
    rows: list[dict] = []
    stage_seconds: dict[str, float] = {}
    frames = 0
    wanted = itertools.islice(iter(source), max_frames)
    located = located_frames(wanted, pipeline) if lookahead else _in_order(wanted, pipeline)
    if threads is None and lookahead:
        threads = torch_threads_beside_detector()
    writer = AnnotatedVideoWriter(output, source.fps) if output is not None else None
    bar = tqdm(total=getattr(source, "frame_count", None), desc=source.name, disable=not progress)
    started = time.perf_counter()
    try:
        with contextlib.closing(located), torch_threads(threads):
            for frame, faces in located:
                result = pipeline.describe(frame.image, faces, frame.index, frame.time_s, frame.landmarks)
                rows.extend(result_rows(result))
                timings = result.timings
                if writer is not None:
                    before = time.perf_counter()
                    drawn = draw_results(frame.image, result, landmarks=landmarks)
                    between = time.perf_counter()
                    writer.write(drawn)
                    timings = {**timings, "draw": between - before, "encode": time.perf_counter() - between}
                for stage, seconds in timings.items():
                    stage_seconds[stage] = stage_seconds.get(stage, 0.0) + seconds
                frames += 1
                bar.update()
    except KeyboardInterrupt:
        if not source.live:
            if writer is not None:
                writer.abort()
            raise
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    if frames == 0:
        if writer is not None:
            writer.abort()
        raise ValueError(f"{source.name}: no frames were read")
    table = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    written = writer.close() if writer is not None else None
    csv_path = write_csv(table, csv) if csv is not None else None
    stage_ms = {stage: 1000 * total / frames for stage, total in stage_seconds.items()}
    return VideoRun(source.name, frames, len(table), seconds, table, written, csv_path, stage_ms)

