"""Landmark datasets: exact 68-point landmarks of the synthetic faces, face-mesh landmarks of real datasets (cached)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from gimefive_lib.data import get_loader
from gimefive_lib.data.configured import synthetic_data
from gimefive_lib.data.datasets.base import (
    DatasetError,
    DatasetLoader,
    ParsedSplit,
    Record,
    decode_image,
    file_fingerprint,
    read_text_lines,
    require_dataset_root,
)
from gimefive_lib.data.datasets.rafdb import LABEL_FILE, RafDB
from gimefive_lib.data.facemesh import MESH_POINTS, FaceMeshExtractor
from gimefive_lib.data.regions import FACEMESH468, IBUG68
from gimefive_lib.data.splits import stratified_split_indices
from gimefive_lib.data.synthetic.render import generate_synthetic
from gimefive_lib.landmarks.cache import landmark_cache_path, load_or_extract
from gimefive_lib.landmarks.extraction import extract_landmarks
from gimefive_lib.landmarks.landmarkset import LandmarkSet
from gimefive_lib.settings import Settings, get_settings

if TYPE_CHECKING:
    from gimefive_lib.training.recipes import SyntheticData

MESH_METHOD = "facemesh468-v2"
RAFDB_NEUTRAL_ID = 7


@dataclass
class LandmarkSplits:
    """Train, validation (carved from train) and test landmarks, plus neutral faces for the neutral baseline."""

    train: LandmarkSet
    val: LandmarkSet
    test: LandmarkSet
    neutral: LandmarkSet | None
    notes: list[str]

    @property
    def layout(self) -> str:
        """The landmark layout of all parts."""
        return self.train.layout

    def report(self) -> dict:
        """Sizes and class counts of every part, and what the face mesh found in each extracted split."""
        parts = {"train": self.train, "val": self.val, "test": self.test}
        if self.neutral is not None:
            parts["neutral"] = self.neutral
        out = {name: {"n": len(part), "class_counts": part.class_counts().tolist()} for name, part in parts.items()}
        extraction = {}
        for part in parts.values():
            if "extracted" in part.report:
                r = part.report
                extraction[r["extracted"]] = {"images": r["images"], "found": r["found"], "no_face": len(r["no_face"]),
                                              "skipped_corrupt": len(r.get("skipped_corrupt", []))}
        return {"layout": self.layout, "parts": out, "extraction": extraction, "notes": list(self.notes)}


# Synthetic landmarks are exact; a real detector's are not. Gaussian noise of this many image widths per coordinate
# (1 px on 64 px faces, about 5 % of the inter-ocular distance, a typical detector error) stands in for it.
DETECTOR_NOISE = 0.015


def faceset_landmarks(faces, name: str, noise: float, rng: np.random.Generator) -> LandmarkSet:
    """The 68-point landmarks a synthetic FaceSet carries, with detector-like noise (``noise`` image widths)."""
    points = faces.landmarks + rng.normal(0.0, noise * faces.image_size, faces.landmarks.shape)
    report = {**faces.report, "detector_noise_px": noise * faces.image_size}
    return LandmarkSet(points, faces.labels, IBUG68, name, list(faces.sources), report)


def synthetic_landmark_splits(settings: Settings | None = None, noise: float = DETECTOR_NOISE,
                              data: SyntheticData | None = None) -> LandmarkSplits:
    """The synthetic default (the CNN's train/val/test faces) with noisy exact landmarks, and new neutral faces.

    ``noise`` is the standard deviation of the detector-like noise in image widths (0 = the exact landmarks);
    ``data`` are the faces (default: ``data.synthetic_data(settings)``).
    """
    settings = settings or get_settings()
    data = data or synthetic_data(settings)
    neutral = generate_synthetic(120 if settings.fast else 300, seed=settings.seed + 7919, intensity=0.0, occlusion=0.0,
                                 au_spread=0.0)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence([settings.seed, 68]).spawn(4)]
    faces = (data.train, data.val, data.test, neutral)
    train, val, test, neutral = (faceset_landmarks(f, f"synthetic-{part}", noise, rng)
                                 for part, f, rng in zip(("train", "val", "test", "neutral"), faces, rngs, strict=True))
    note = (f"synthetic landmarks are exact; Gaussian noise of {noise * data.train.image_size:.2f} px per coordinate "
            "stands in for a detector's error; neutral faces are new people at intensity 0")
    return LandmarkSplits(train, val, test, neutral, [note])


def _record_images(records: list[Record], skip_corrupt: bool, corrupt: list[str], progress: bool):
    """Yield ``(image, label, source)`` of every record; corrupt files raise or are listed in ``corrupt``."""
    for record in tqdm(records, desc="face mesh", disable=not progress, leave=False):
        try:
            image = record.pixels if record.pixels is not None else decode_image(record.path, "RGB")
        except DatasetError as error:
            if not skip_corrupt:
                raise DatasetError(f"{error} (pass skip_corrupt=True / --skip-corrupt to skip such files)") from None
            corrupt.append(record.source)
            continue
        yield image, record.label, record.source


def extract_records(parsed: ParsedSplit, name: str, skip_corrupt: bool = False, progress: bool = True) -> LandmarkSet:
    """Face-mesh landmarks of the parsed records (colour images); no-face and corrupt files are reported."""
    corrupt: list[str] = []
    if not parsed.records:
        landmarks = LandmarkSet(np.empty((0, MESH_POINTS, 2), np.float32), np.empty(0, np.int64), FACEMESH468, name,
                                report={"images": 0, "found": 0, "no_face": []})
    else:
        with FaceMeshExtractor() as mesh:
            landmarks = extract_landmarks(mesh, _record_images(parsed.records, skip_corrupt, corrupt, progress), name)
    landmarks.report.update({"images": landmarks.report["images"] + len(corrupt), "skipped_corrupt": corrupt,
                             "dropped_labels": dict(parsed.dropped), "extracted": name})
    return landmarks


def dataset_landmarks(loader: DatasetLoader, root: str | Path, split: str, cache_dir: str | Path | None,
                      skip_corrupt: bool = False, progress: bool = True) -> LandmarkSet:
    """Face-mesh landmarks of one split of a real dataset, from the landmark cache when it is fresh."""
    root = loader.resolve_root(require_dataset_root(root, f"the {loader.name} layout"))
    split = loader.canonical_split(split)
    parsed = loader.parse(root, split)
    name = f"{loader.name}-{split}"
    path = None if cache_dir is None else landmark_cache_path(
        cache_dir, loader.name, root, split, parsed.content_fingerprint(), MESH_METHOD, skip_corrupt)
    landmarks = load_or_extract(path, lambda: extract_records(parsed, name, skip_corrupt, progress))
    if parsed.records and not len(landmarks):
        raise DatasetError(f"{loader.name}: the face mesh found no face in any of the {len(parsed.records)} "
                           f"images of split {split!r}")
    return landmarks


class RafDBNeutral(RafDB):
    """RAF-DB's neutral faces only (official id 7), for the neutral-face baseline; labels are placeholders (0)."""

    name = "rafdb-neutral"

    def parse(self, root: Path, split: str) -> ParsedSplit:
        label_file = root / LABEL_FILE
        image_dir = root / "Image" / self.variant
        records = []
        for line in read_text_lines(label_file):
            parts = line.split()
            if len(parts) == 2 and parts[1] == str(RAFDB_NEUTRAL_ID) and parts[0].startswith(f"{split}_"):
                stem = Path(parts[0]).stem
                file = image_dir / (f"{stem}_aligned.jpg" if self.aligned else parts[0])
                records.append(Record(label=0, source=file.name, path=file))
        return ParsedSplit(records, Counter(), file_fingerprint(label_file))


def real_landmark_splits(dataset: str, root: str | Path, settings: Settings | None = None,
                         skip_corrupt: bool = False, progress: bool = True) -> LandmarkSplits:
    """Face-mesh landmarks of a real dataset: its test split when it has one (else 20 % carved from train)."""
    settings = settings or get_settings()
    loader = get_loader(dataset)
    cache = settings.cache_dir
    full = dataset_landmarks(loader, root, "train", cache, skip_corrupt, progress)
    notes = []
    test = dataset_landmarks(loader, root, "test", cache, skip_corrupt, progress) if "test" in loader.splits else None
    if test is None or not len(test):
        rest_idx, test_idx = stratified_split_indices(full.labels, 0.2, seed=settings.seed)
        full, test = full.subset(rest_idx, full.name), full.subset(test_idx, f"{dataset}-test-from-train")
        notes.append(f"{dataset} has no test images here: 20 % of train held out as test")
    train_idx, val_idx = stratified_split_indices(full.labels, 0.15, seed=settings.seed)
    neutral = None
    if dataset == "rafdb":
        neutral = dataset_landmarks(RafDBNeutral(), root, "train", cache, skip_corrupt, progress)
        if not len(neutral):
            neutral = None
            notes.append("no RAF-DB neutral images (id 7) listed: the neutral baseline is not available")
    return LandmarkSplits(full.subset(train_idx, f"{dataset}-train"), full.subset(val_idx, f"{dataset}-val"), test,
                          neutral, notes)

