"""Class-per-folder datasets (AffectNet, TFEID, the folder variant of FER2013): ``root/[split/]<class>/*.jpg``."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from gimefive_lib.data.datasets.base import DatasetError, DatasetLoader, ParsedSplit, Record, SplitNotFound, map_label
from gimefive_lib.labels import FOLDER_NAME_TO_GIMEFIVE

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pgm"})
SPLIT_FOLDERS: dict[str, tuple[str, ...]] = {
    "train": ("train", "training"),
    "val": ("val", "valid", "validation", "publictest"),
    "test": ("test", "testing", "privatetest"),
}


def visible_dirs(folder: Path) -> list[Path]:
    """Sub-folders of ``folder`` that are not hidden, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def image_files(folder: Path) -> list[Path]:
    """Image files directly in ``folder`` (by suffix, hidden files skipped), sorted by name."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
    )


class FolderDataset(DatasetLoader):
    """Faces sorted into one folder per emotion, with or without split folders (``train/``, ``val/``, ``test/``).

    Folder names are matched case-insensitively against ``mapping`` (default :data:`FOLDER_NAME_TO_GIMEFIVE`);
    neutral and contempt folders are dropped and counted; an unknown folder name is an error that lists the known
    ones. ``aligned=False`` runs the face detector (BlazeFace) on every image (for whole photos instead of face crops).
    A flat ``root/<class>/`` layout is all ``train``.
    """

    splits = ("train", "val", "test")

    def __init__(self, aligned: bool = True, name: str = "folder", mapping: dict[str, int | None] | None = None):
        self.aligned = aligned
        self.name = name
        self.mapping = {k.lower(): v for k, v in (mapping or FOLDER_NAME_TO_GIMEFIVE).items()}

    def parse(self, root: Path, split: str) -> ParsedSplit:
        split = self.canonical_split(split)
        split_dir = self._split_dir(root, split)
        records, dropped, stamps = [], Counter(), []
        for class_dir in visible_dirs(split_dir):
            label = map_label(self.mapping, class_dir.name.lower(), f"{class_dir}: class folder")
            files = image_files(class_dir)
            for file in files:
                stat = file.stat()
                stamps.append(f"{file.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
            if label is None:
                dropped[class_dir.name.lower()] += len(files)
                continue
            records += [Record(label=label, source=str(f.relative_to(root)), path=f) for f in files]
        fingerprint = hashlib.sha1("|".join(stamps).encode()).hexdigest()
        return ParsedSplit(records, dropped, fingerprint)

    def _split_dir(self, root: Path, split: str) -> Path:
        """The folder holding the class folders of ``split`` (``root`` itself in a flat layout)."""
        subdirs = visible_dirs(root)
        if not subdirs:
            raise DatasetError(f"{root}: no folders; expected class folders ({self._known()}) or split folders")
        split_names = {name: key for key, names in SPLIT_FOLDERS.items() for name in names}
        by_split = {split_names[d.name.lower()]: d for d in subdirs if d.name.lower() in split_names}
        if not by_split:
            if split != "train":
                raise SplitNotFound(f"{root}: class folders without split folders are all 'train'; no {split!r} split")
            return root
        stray = [d.name for d in subdirs if d.name.lower() not in split_names]
        if stray:
            raise DatasetError(
                f"{root}: mixed layout; split folders {', '.join(d.name for d in by_split.values())} next to "
                f"{', '.join(stray)}; expected only split folders ({', '.join(sum(SPLIT_FOLDERS.values(), ()))})"
            )
        if split not in by_split:
            raise SplitNotFound(
                f"{root}: no {split} folder (expected one of {', '.join(SPLIT_FOLDERS[split])}); "
                f"found {', '.join(d.name for d in subdirs)}"
            )
        return by_split[split]

    def _known(self) -> str:
        return ", ".join(self.mapping)
