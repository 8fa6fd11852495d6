"""Does finding a face again cost accuracy? The shipped GiMeFive on its validation faces as they are, and on the same
faces pasted into 640 x 480 frames, found by a detector and cropped.

The faces are the 975 RAF-DB train faces that the shipped model's training held out for validation (the same
carve: ``VAL_FRACTION``, the checkpoint's seed), so it never trained on them. Each is pasted unchanged in light,
100-250 px wide, at a random place on a random background (``data.scenes.place_face``), once upright and once
tilted by up to 15 degrees (RAF-DB's alignment turns every face upright; a detector's square does not). Then it
is found by the detector and cut out as the suite crops faces (``face_crop``: BlazeFace's eye keypoints put where
they sit on RAF-DB's aligned faces), as the square that frames the detector's box like an aligned face
(``face_square``), or, for comparison, as the detector's own box. "Pasted, cut at the true square" measures what
pasting alone costs (resampling, the feathered edge): no detector is involved.

Columns: how many faces were found; the accuracy on them; the accuracy of the aligned faces and of the true-square
crops on the same faces, each with the exact McNemar test of the row against it (paired, on those faces: against
the aligned faces, the whole cost; against the true square, the detector's share of it); how often the crop is read
as the same emotion as its aligned face. Each figure twice: plain, and averaged with the mirrored crop, as
``evaluate`` and the model card read faces.

    PYTHONPATH=. nice -n 19 .venv/bin/python bench/redetect_accuracy.py [--data ../shared/data] [--seed 1]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.detection import Box, HaarFaceDetector, crop_face, face_crop, face_square
from gimefive_lib.data.preprocess import resize_face, to_gray
from gimefive_lib.data.scenes import background, place_face, rafdb_chosen_faces
from gimefive_lib.evaluation.significance import mcnemar_test
from gimefive_lib.models import predict_proba
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import held_out_indices, load_model, read_checkpoint

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TRUE_SQUARE = "pasted, cut at the true square (no detector)"


def validation_names(state: dict) -> Callable[[dict[str, int]], list[str]]:
    """Picks, from RAF-DB's train faces in the loader's order, those ``train`` held out for checkpoint ``state``."""

    def choose(labels: dict[str, int]) -> list[str]:
        names = list(labels)
        val = held_out_indices(state, np.array(list(labels.values())), source=f"{len(names)} RAF-DB train faces")
        return [names[i] for i in val]

    return choose


def pasted_frames(faces: list[np.ndarray], tilt: float, seed: int) -> tuple[list[np.ndarray], list[Box]]:
    """Each face pasted into its own 640 x 480 frame (turned by up to ``tilt`` degrees) and its true square."""
    rng = np.random.default_rng(seed)
    frames, truths = [], []
    for face in faces:
        frame = background(rng)
        side = int(rng.integers(100, 251))
        box = Box(int(rng.integers(0, 640 - side)), int(rng.integers(0, 480 - side)), side, side)
        place_face(frame, face, box, rng, rotation=tilt, lighting=0.0)
        frames.append(frame)
        truths.append(box)
    return frames, truths


def crops_of(frames: list[np.ndarray], truths: list[Box]) -> dict[str, list[np.ndarray | None]]:
    """Each row's crops (None where its detector found no face)."""
    rows: dict[str, list[np.ndarray | None]] = {
        TRUE_SQUARE: [crop_face(f, b) for f, b in zip(frames, truths, strict=True)],
    }
    for name, detector in (("mediapipe", MediaPipeFaceDetector()), ("haar", HaarFaceDetector(min_neighbors=5))):
        found = [detector.detect(frame) for frame in frames]
        if isinstance(detector, MediaPipeFaceDetector):
            rows[f"{name}: face_crop (aligned by its eye keypoints; the suite's crop)"] = [
                face_crop(frame, detector, boxes[0]) if boxes else None
                for frame, boxes in zip(frames, found, strict=True)]
        rows[f"{name}: square crop (face_square)"] = [
            crop_face(frame, face_square(detector, boxes[0], 640, 480)) if boxes else None
            for frame, boxes in zip(frames, found, strict=True)]
        rows[f"{name}: the detector's own box"] = [
            crop_face(frame, boxes[0]) if boxes else None for frame, boxes in zip(frames, found, strict=True)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1, help="where the faces are pasted")
    args = parser.parse_args()

    checkpoint = get_settings().checkpoint
    state = read_checkpoint(checkpoint, mmap=True)
    model, _ = load_model(checkpoint, "cpu", expect="gimefive")
    source = rafdb_chosen_faces(args.data, validation_names(state))
    labels = source.labels
    aligned = [resize_face(to_gray(f)) for f in source.images]
    print(f"model: {checkpoint}; faces: the {len(labels)} validation faces its training held out ({source.origin}); "
          f"placement seed {args.seed}. Each figure: plain / averaged with the mirrored crop (as `evaluate` does)")
    readings = {flip: predict_proba(model, np.stack(aligned), flip_tta=flip).argmax(1) for flip in (False, True)}
    print("aligned faces as they are (64 x 64 gray, as in training): accuracy "
          + " / ".join(f"{(readings[flip] == labels).mean():.3f}" for flip in (False, True)))
    for tilt in (0.0, 15.0):
        frames, truths = pasted_frames(source.images, tilt, args.seed)
        rows = crops_of(frames, truths)
        at_truth = {flip: predict_proba(model, np.stack(rows[TRUE_SQUARE]), flip_tta=flip).argmax(1)
                    for flip in (False, True)}
        print(f"\npasted {'upright' if tilt == 0 else f'and tilted by up to {tilt:.0f} degrees'}:\n")
        print("| crops | found | accuracy on found | aligned faces, same ones | McNemar p | true square, same ones "
              "| McNemar p | same reading as aligned |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, crops in rows.items():
            hit = np.array([c is not None for c in crops])
            cells = [[], [], [], [], [], []]
            for flip in (False, True):
                read = predict_proba(model, np.stack([c for c in crops if c is not None]), flip_tta=flip).argmax(1)
                for column, other in ((1, readings[flip][hit]), (3, at_truth[flip][hit])):
                    cells[column].append(f"{(other == labels[hit]).mean():.3f}")
                    cells[column + 1].append(f"{mcnemar_test(labels[hit], read, other)['p_value']:.2f}")
                cells[0].append(f"{(read == labels[hit]).mean():.3f}")
                cells[5].append(f"{(read == readings[flip][hit]).mean():.3f}")
            print(f"| {name} | {hit.sum()}/{len(crops)} | " + " | ".join(" / ".join(c) for c in cells) + " |")


if __name__ == "__main__":
    main()
