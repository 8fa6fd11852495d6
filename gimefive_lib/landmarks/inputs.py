"""What notebook 07 studies: synthetic landmarks by default, face-mesh landmarks under ``GIMEFIVE_DATA``; the CNN."""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from gimefive_lib.data import get_loader
from gimefive_lib.data.configured import synthetic_data
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.landmarks.cam_agreement import matching_faces
from gimefive_lib.landmarks.landmark_splits import LandmarkSplits, real_landmark_splits, synthetic_landmark_splits
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training.recipes import shipped_model, synthetic_model


@dataclass
class LandmarkData:
    """Landmark splits, the dataset name for the report, a line saying what they are; synthetic: the faces too."""

    splits: LandmarkSplits
    dataset: str
    description: str
    synthetic_faces: object | None = None  # zoo.SyntheticData of the synthetic default


def landmark_data(settings: Settings | None = None) -> LandmarkData:
    """The synthetic default (68 exact points plus detector-like noise), or face-mesh landmarks of the real dataset."""
    settings = settings or get_settings()
    faces = None
    if settings.uses_real_data and settings.dataset != "synthetic":
        splits, dataset = real_landmark_splits(settings.dataset, settings.data_root, settings), settings.dataset
    else:

        faces = synthetic_data(settings)
        splits, dataset = synthetic_landmark_splits(settings, data=faces), "synthetic"
    sizes = ", ".join(f"{len(getattr(splits, p))} {p}" for p in ("train", "val", "test"))
    return LandmarkData(splits, dataset, f"{dataset}: {splits.layout} landmarks, {sizes} faces", faces)


@dataclass
class CnnReference:
    """The CNN to compare with, the test faces matching the landmark test split, and what it is."""

    model: nn.Module | None
    faces: FaceSet | None
    description: str


def cnn_reference(data: LandmarkData, settings: Settings | None = None) -> CnnReference:
    """GiMeFive trained on the synthetic faces (trained once, then loaded), or the shipped checkpoint on real data."""
    settings = settings or get_settings()
    if data.synthetic_faces is not None:
        faces = data.synthetic_faces
        model, _ = synthetic_model(settings, data=faces)  # class mode: the shipped model of these faces
        return CnnReference(model, matching_faces(data.splits.test, faces.test),
                            "GiMeFive trained on the same synthetic training faces")
    if not settings.checkpoint.is_file():
        return CnnReference(None, None, f"{settings.checkpoint} not found: no real-data CNN to compare with")

    split = "train" if "from-train" in data.splits.test.name else "test"
    faces = get_loader(data.dataset).load(settings.data_root, split, cache_dir=settings.cache_dir)
    note = " (test faces carved from train: the CNN may have trained on them)" if split == "train" else ""
    return CnnReference(shipped_model(settings), matching_faces(data.splits.test, faces),
                        f"shipped GiMeFive checkpoint on the landmark test faces{note}")
