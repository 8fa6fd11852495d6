"""Does detecting and cropping a face cost accuracy? The shipped GiMeFive on RAF-DB aligned faces as they are, and
on the same faces pasted into 640 x 480 frames, found again by a detector and cropped.

Each face is pasted upright and unchanged in light (``data.scenes.place_face`` without rotation or relighting),
100-250 px wide, on a random background, then found by the detector and cut out as the square that frames it like
an aligned face (``face_square``), for BlazeFace also by its eye keypoints (``eye_aligned_crop``: the eyes put where
they sit on RAF-DB's aligned faces), or, for comparison, as the detector's own box. Accuracy counts a face that was
not found as wrong; "on found" counts only the found ones. The faces are RAF-DB train faces, which the shipped
model was trained on, so the absolute accuracy is high: the question is the difference between the rows.

    PYTHONPATH=. nice -n 19 .venv/bin/python bench/redetect_accuracy.py [--data ../shared/data] [--faces 600]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.detection import Box, HaarFaceDetector, crop_face, eye_aligned_crop, face_square
from gimefive_lib.data.preprocess import resize_face, to_gray
from gimefive_lib.data.scenes import background, place_face, rafdb_faces
from gimefive_lib.models import predict_proba
from gimefive_lib.video.model import video_model

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def eye_crop(detector: MediaPipeFaceDetector, frame: np.ndarray, box: Box) -> np.ndarray:
    """The crop aligned by BlazeFace's eyes in ``box``, else the aligned-face square of ``box``."""
    eyes = detector.eyes(frame, box)
    if eyes is None:
        return crop_face(frame, face_square(detector, box, frame.shape[1], frame.shape[0]))
    return eye_aligned_crop(frame, *eyes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--faces", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    source = rafdb_faces(args.data, args.faces, args.seed)
    model, note = video_model()
    labels = source.labels
    rng = np.random.default_rng(args.seed)
    frames, truths = [], []
    for face in source.images:
        frame = background(rng)
        side = int(rng.integers(100, 251))
        box = Box(int(rng.integers(0, 640 - side)), int(rng.integers(0, 480 - side)), side, side)
        place_face(frame, face, box, rng, rotation=0.0, lighting=0.0)
        frames.append(frame)
        truths.append(box)

    def accuracy(crops: list[np.ndarray | None]) -> tuple[float, float, int]:
        found = np.array([c is not None for c in crops])
        predicted = np.full(len(crops), -1)
        if found.any():
            predicted[found] = predict_proba(model, np.stack([c for c in crops if c is not None])).argmax(1)
        return float((predicted == labels).mean()), float((predicted[found] == labels[found]).mean()), int(found.sum())

    print(f"model: {note}; faces: {source.origin}, seed {args.seed}")
    print()
    print("| crops | found | accuracy | accuracy on found |")
    print("| --- | ---: | ---: | ---: |")
    rows = {
        "aligned faces as they are (64 x 64 gray, as in training)": [resize_face(to_gray(f)) for f in source.images],
        "pasted, cut at the true square (pasting only)": [crop_face(f, b) for f, b in zip(frames, truths, strict=True)],
    }
    for name, detector in (("mediapipe", MediaPipeFaceDetector()), ("haar", HaarFaceDetector(min_neighbors=5))):
        found = [detector.detect(frame) for frame in frames]
        rows[f"{name}: square crop (face_square)"] = [
            crop_face(frame, face_square(detector, boxes[0], 640, 480)) if boxes else None
            for frame, boxes in zip(frames, found, strict=True)]
        rows[f"{name}: the detector's own box"] = [
            crop_face(frame, boxes[0]) if boxes else None for frame, boxes in zip(frames, found, strict=True)]
        if isinstance(detector, MediaPipeFaceDetector):
            rows[f"{name}: aligned by its eye keypoints (eye_aligned_crop; the square where it sees no eyes)"] = [
                eye_crop(detector, frame, boxes[0]) if boxes else None
                for frame, boxes in zip(frames, found, strict=True)]
    for name, crops in rows.items():
        total, on_found, count = accuracy(crops)
        print(f"| {name} | {count}/{len(crops)} | {total:.3f} | {on_found:.3f} |")


if __name__ == "__main__":
    main()
