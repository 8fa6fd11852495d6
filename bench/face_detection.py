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

    nice -n 19 .venv/bin/python bench/face_detection.py [--data ../shared/data] [--frames 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.detection import Box, FaceDetector, ScaledHaarDetector, face_square, iou
from gimefive_lib.data.scenes import face_scene, real_faces

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
    pairs = sorted(((iou(s, t), i, j) for i, s in enumerate(squares) for j, t in enumerate(truth)), reverse=True)
    used_found, used_truth = set(), set()
    for overlap, i, j in pairs:
        if overlap >= 0.5 and i not in used_found and j not in used_truth:
            used_found.add(i)
            used_truth.add(j)
    return [j in used_truth for j in range(len(truth))], len(found) - len(used_found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with rafdb-basic-train.tar.gz")
    parser.add_argument("--frames", type=int, default=200, help="frames with faces (as many without)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    counts = rng.integers(1, 5, args.frames)
    source = real_faces(args.data, int(counts.sum()), args.seed)
    faces = iter(source.images)
    scenes = [face_scene([next(faces) for _ in range(k)], rng) for k in counts]
    empty = [face_scene([], rng)[0] for _ in range(args.frames)]
    sides = np.array([box.w for _, boxes in scenes for box in boxes])
    large = sides >= 64
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"faces: {source.origin}")
    print(f"{len(scenes)} frames 640x480 with {len(sides)} faces ({large.sum()} of 64 px or more, sides "
          f"{sides.min()}-{sides.max()} px), {len(empty)} frames without a face; seed {args.seed}; "
          f"{os.cpu_count()} CPUs, load average {load}")
    print()
    print(f"| {'detector':44s} | recall | recall >= 64 px | false / 100 empty | false / 100 face frames | ms/frame |")
    print(f"| {'-' * 44} | -----: | --------------: | ----------------: | ----------------------: | -------: |")
    for name, build in DETECTORS.items():
        try:
            detector = build()
        except ImportError as error:
            print(f"| {name:44s} | not available: {error}")
            continue
        detector.detect(empty[0])  # warm-up (graph start, first allocation)
        hits, false_in_faces, seconds = [], 0, 0.0
        for frame, truth in scenes:
            started = time.perf_counter()
            found = detector.detect(frame)
            seconds += time.perf_counter() - started
            matched, extra = match(detector, found, truth, frame.shape[1], frame.shape[0])
            hits.extend(matched)
            false_in_faces += extra
        false_empty = 0
        for frame in empty:
            started = time.perf_counter()
            false_empty += len(detector.detect(frame))
            seconds += time.perf_counter() - started
        hits = np.array(hits)
        ms = 1000 * seconds / (len(scenes) + len(empty))
        print(f"| {name:44s} | {hits.mean():6.3f} | {hits[large].mean():15.3f} | "
              f"{100 * false_empty / len(empty):17.1f} | {100 * false_in_faces / len(scenes):23.1f} | {ms:8.1f} |")
    print()
    print("targets for the default: recall >= 0.97 on faces of 64 px and more, <= 1 false face per 100 empty frames")


if __name__ == "__main__":
    main()
