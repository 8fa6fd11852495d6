"""Face detectors on real faces: recall, false detections and milliseconds per 640x480 frame.

Frames are built from RAF-DB's aligned train faces (``rafdb-basic-train.tar.gz`` or an unpacked ``RAF-DB/basic``
under ``--data``, by default ``../shared/data`` beside the repository), pasted at random places and sizes
(48-300 px), slightly rotated and relit, one to four per frame, on gradients, noise, stripes and scikit-image's
photos without people (``gimefive_lib.data.scenes``); as many frames have no face at all. Without the data the
astronaut's face from scikit-image stands in, and the table says so.

A detection finds a face when the square crop made from it (``face_square``, what the model sees) overlaps the
face's true square with IoU >= 0.5, each face and each detection matched at most once. Recall is over all
faces and over faces of 64 px and more; false detections are counted per 100 empty frames and per 100 frames
with faces (detections matching no face). Targets for the default (mediapipe): recall >= 0.97 on faces of
64 px and more, at most 1 false face per 100 empty frames.

    nice -n 19 .venv/bin/python bench/face_detection.py [--data ../shared/data] [--frames 200] [--seed 0 [1 ...]]

With several seeds, each seed gets its rows and the seeds together a pooled row, whose recall on faces of 64 px
and more carries a 95 % bootstrap interval: one seed's 400 or so large faces move the recall by about 0.01.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.boxes import match_boxes
from gimefive_lib.data.detection import Box, FaceDetector, ScaledHaarDetector, face_square
from gimefive_lib.data.scenes import face_scene, real_faces
from gimefive_lib.evaluation.significance import bootstrap_mean_ci

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DETECTORS = {
    "mediapipe (BlazeFace short range, default)": lambda: MediaPipeFaceDetector(),
    "mediapipe-full (BlazeFace full range)": lambda: MediaPipeFaceDetector(full_range=True),
    "haar (the paper's cascade, half-size frame)": lambda: ScaledHaarDetector(),
}


def match(
    detector: FaceDetector, found: list[Box], truth: list[Box], width: int, height: int
) -> tuple[list[bool], int]:
    """Which true faces were found (greedy by IoU of the squared crop, >= 0.5) and how many detections matched none."""
    squares = [face_square(detector, box, width, height) for box in found]
    matched = match_boxes(squares, truth, 0.5)
    found_faces = set(matched.values())
    return [j in found_faces for j in range(len(truth))], len(found) - len(matched)


def seed_frames(data: Path, frames: int, seed: int) -> tuple[list, list, str]:
    """The bench's frames for one seed: ``frames`` with 1-4 real faces (and their true boxes), as many without."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 5, frames)
    source = real_faces(data, int(counts.sum()), seed)
    faces = iter(source.images)
    scenes = [face_scene([next(faces) for _ in range(k)], rng) for k in counts]
    empty = [face_scene([], rng)[0] for _ in range(frames)]
    return scenes, empty, source.origin


def run_detector(detector: FaceDetector, scenes: list, empty: list) -> dict:
    """Per true face whether it was found, its side, false detections (in empty and in face frames) and seconds."""
    detector.detect(empty[0])  # warm-up (graph start, first allocation)
    hits, sides, false_in_faces, false_empty, seconds = [], [], 0, 0, 0.0
    for frame, truth in scenes:
        started = time.perf_counter()
        found = detector.detect(frame)
        seconds += time.perf_counter() - started
        matched, extra = match(detector, found, truth, frame.shape[1], frame.shape[0])
        hits.extend(matched)
        sides.extend(box.w for box in truth)
        false_in_faces += extra
    for frame in empty:
        started = time.perf_counter()
        false_empty += len(detector.detect(frame))
        seconds += time.perf_counter() - started
    return {"hits": np.array(hits, bool), "sides": np.array(sides), "false_faces": false_in_faces,
            "false_empty": false_empty, "face_frames": len(scenes), "empty_frames": len(empty),
            "seconds": seconds}


def pooled(runs: list[dict]) -> dict:
    """Several seeds' runs of one detector as one."""
    return {"hits": np.concatenate([r["hits"] for r in runs]), "sides": np.concatenate([r["sides"] for r in runs]),
            **{key: sum(r[key] for r in runs)
               for key in ("false_faces", "false_empty", "face_frames", "empty_frames", "seconds")}}


def table_row(label: str, run: dict, interval: bool = False) -> str:
    """One line of the table; ``interval`` adds the 95 % bootstrap interval of the recall on faces >= 64 px."""
    large = run["hits"][run["sides"] >= 64]
    recall = f"{large.mean():.3f}"
    if interval:
        low, high = bootstrap_mean_ci(large.astype(float))
        recall += f" ({low:.3f}-{high:.3f})"
    ms = 1000 * run["seconds"] / (run["face_frames"] + run["empty_frames"])
    return (f"| {label:60s} | {run['hits'].mean():6.3f} | {recall:>23s} | "
            f"{100 * run['false_empty'] / run['empty_frames']:17.1f} | "
            f"{100 * run['false_faces'] / run['face_frames']:23.1f} | {ms:8.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with rafdb-basic-train.tar.gz")
    parser.add_argument("--frames", type=int, default=200, help="frames with faces (as many without), per seed")
    parser.add_argument("--seed", type=int, nargs="+", default=[0],
                        help="one or more seeds; with several, each gets its rows and all seeds a pooled one")
    args = parser.parse_args()

    frames = {seed: seed_frames(args.data, args.frames, seed) for seed in args.seed}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"faces: {next(iter(frames.values()))[2]}")
    for seed, (scenes, empty, _) in frames.items():
        sides = np.array([box.w for _, boxes in scenes for box in boxes])
        print(f"seed {seed}: {len(scenes)} frames 640x480 with {len(sides)} faces ({(sides >= 64).sum()} of 64 px or "
              f"more, sides {sides.min()}-{sides.max()} px), {len(empty)} frames without a face")
    print(f"{os.cpu_count()} CPUs, load average {load}")
    print()
    print(f"| {'detector':60s} | recall | {'recall >= 64 px':>23s} | false / 100 empty | false / 100 face frames "
          f"| ms/frame |")
    print(f"| {'-' * 60} | -----: | {'-' * 22}: | ----------------: | ----------------------: | -------: |")
    for name, build in DETECTORS.items():
        try:
            detector = build()
        except ImportError as error:
            print(f"| {name:60s} | not available: {error}")
            continue
        runs = [run_detector(detector, scenes, empty) for scenes, empty, _ in frames.values()]
        for seed, run in zip(frames, runs, strict=True):
            print(table_row(name if len(runs) == 1 else f"{name}, seed {seed}", run))
        if len(runs) > 1:
            print(table_row(f"{name}, {len(runs)} seeds pooled", pooled(runs), interval=True))
    print()
    print("targets for the default: recall >= 0.97 on faces of 64 px and more, <= 1 false face per 100 empty frames")


if __name__ == "__main__":
    main()
