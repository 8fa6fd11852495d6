"""FER-GiMeFive: the paper's aggregate of RAF-DB, FER2013, AffectNet, CK+ and TFEID in one label space."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gimefive_lib.data.datasets.base import (
    DatasetError,
    DatasetLoader,
    ParsedSplit,
    SplitNotFound,
    require_dataset_root,
)
from gimefive_lib.data.datasets.ckplus import CKPlus
from gimefive_lib.data.datasets.fer2013 import Fer2013
from gimefive_lib.data.datasets.folder import FolderDataset
from gimefive_lib.data.datasets.rafdb import RafDB
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import FACE_SIZE


@dataclass(frozen=True)
class Part:
    """One dataset of an aggregate: its loader, the sub-folders of the aggregate root it may sit in, its splits."""

    name: str
    make: Callable[[], DatasetLoader]
    folders: tuple[str, ...]
    splits: tuple[str, ...]


# As in the paper: every part's train split for training; RAF-DB + FER2013 test for testing.
# "" = the part's own loader looks in the aggregate root (RAF-DB/basic, fer2013/, CK+/ are its known sub-folders).
FER_GIMEFIVE_PARTS: tuple[Part, ...] = (
    Part("rafdb", RafDB, ("",), ("train", "test")),
    Part("fer2013", Fer2013, ("",), ("train", "test")),
    Part("affectnet", lambda: FolderDataset(name="affectnet"), ("AffectNet", "affectnet", "FER-AffectNet"), ("train",)),
    Part("ckplus", CKPlus, ("",), ("train",)),
    Part("tfeid", lambda: FolderDataset(aligned=False, name="tfeid"), ("TFEID", "tfeid"), ("train",)),
)


@dataclass
class LocatedPart:
    """A part found on disk: its loader and resolved dataset folder."""

    part: Part
    loader: DatasetLoader
    root: Path


def concatenate(sets: dict[str, FaceSet], name: str) -> FaceSet:
    """One FaceSet of several (same face size), sources prefixed with their set's key (``rafdb/train_00001...``)."""
    sizes = {faces.image_size for faces in sets.values()}
    if len(sizes) != 1:
        raise ValueError(f"cannot concatenate faces of different sizes {sorted(sizes)}")
    return FaceSet(
        images=np.concatenate([faces.images for faces in sets.values()]),
        labels=np.concatenate([faces.labels for faces in sets.values()]),
        name=name,
        sources=[f"{key}/{source}" for key, faces in sets.items() for source in faces.sources],
    )


class Aggregate(DatasetLoader):
    """Several datasets loaded by their own loaders (each cached on its own) and concatenated.

    The aggregate root holds the parts side by side (``RAF-DB/basic``, ``fer2013/fer2013.csv``, ``AffectNet/``,
    ``CK+/``, ``TFEID/``). ``parts=None`` uses every part found and reports the missing ones; naming ``parts``
    makes each of them required (a comma-separated string works too).
    """

    splits = ("train", "test")

    def __init__(
        self,
        parts: Sequence[str] | None = None,
        name: str = "fer-gimefive",
        catalogue: Sequence[Part] = FER_GIMEFIVE_PARTS,
    ) -> None:
        known = {part.name: part for part in catalogue}
        parts = parts.split(",") if isinstance(parts, str) else parts
        unknown = [p for p in parts or () if p not in known]
        if unknown:
            raise ValueError(f"unknown part(s) {', '.join(unknown)} of {name}; choose from {', '.join(known)}")
        self.name = name
        self.required = tuple(parts or ())
        self.catalogue = tuple(known[p] for p in parts) if parts else tuple(catalogue)

    def locate(self, root: Path) -> tuple[list[LocatedPart], list[str]]:
        """The parts found under ``root`` and the names of those missing (an error if a required one is)."""
        found, missing = [], []
        for part in self.catalogue:
            located = self._locate_part(part, root)
            if located is None:
                missing.append(part.name)
            else:
                found.append(located)
        required_missing = [name for name in missing if name in self.required]
        if required_missing or not found:
            wanted = required_missing or missing
            where = "; ".join(f"{p.name} in {' or '.join(f or '.' for f in p.folders)}" for p in self.catalogue)
            raise DatasetError(f"{root}: {self.name} part(s) {', '.join(wanted)} not found; expected {where}")
        return found, missing

    @staticmethod
    def _locate_part(part: Part, root: Path) -> LocatedPart | None:
        loader = part.make()
        for folder in part.folders:
            candidate = root / folder
            if not candidate.is_dir():
                continue
            try:
                return LocatedPart(part, loader, loader.resolve_root(candidate))
            except DatasetError:
                continue
        return None

    def _parts_of(self, root: Path, split: str) -> tuple[list[LocatedPart], list[str]]:
        found, missing = self.locate(root)
        with_split = [p for p in found if split in p.part.splits]
        if not with_split:
            raise SplitNotFound(
                f"{root}: none of the {self.name} parts found ({', '.join(p.part.name for p in found)}) "
                f"has a {split!r} split"
            )
        return with_split, missing

    def parse(self, root: Path, split: str) -> ParsedSplit:
        records, dropped, prints = [], Counter(), []
        split = self.canonical_split(split)
        for located in self._parts_of(root, split)[0]:
            parsed = located.loader.parse(located.root, split)
            records += [replace(r, source=f"{located.part.name}/{r.source}") for r in parsed.records]
            dropped.update(parsed.dropped)
            prints.append(f"{located.part.name}:{parsed.fingerprint}")
        return ParsedSplit(records, dropped, "|".join(prints))

    def load(
        self,
        root: str | Path,
        split: str = "train",
        size: int = FACE_SIZE,
        cache_dir: str | Path | None = None,
        skip_corrupt: bool = False,
    ) -> FaceSet:
        """Each part loaded by its own loader (and cache), concatenated; the report keeps every part's report."""
        root = require_dataset_root(root, f"the {self.name} parts side by side")
        split = self.canonical_split(split)
        located, missing = self._parts_of(root, split)
        sets = {p.part.name: p.loader.load(p.root, split, size, cache_dir, skip_corrupt) for p in located}
        faces = concatenate(sets, f"{self.name}-{split}")
        dropped = Counter()
        for part in sets.values():
            dropped.update(part.report.get("dropped_labels", {}))
        faces.report = {
            "dataset": self.name,
            "split": split,
            "loaded": len(faces),
            "root": str(root),
            "dropped_labels": dict(dropped),
            "skipped_corrupt": [f"{k}/{s}" for k, part in sets.items() for s in part.report.get("skipped_corrupt", [])],
            "no_face": [f"{k}/{s}" for k, part in sets.items() for s in part.report.get("no_face", [])],
            "missing_parts": missing,
            "parts": {k: {**part.report, "class_counts": part.class_counts().tolist()} for k, part in sets.items()},
        }
        return faces
