"""The dataset base class: each dataset parses its layout into records; this class decodes, crops, caches and reports."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.faces import HaarFaceDetector, largest_face_crop
from gimefive_lib.preprocess import FACE_SIZE, resize_face


class DatasetError(ValueError):
    """A dataset on disk does not have the layout or content that was expected; the message names the file."""


@dataclass
class Record:
    """One face to load: its GiMeFive label, where it came from, and either an image file or decoded pixels."""

    label: int
    source: str
    path: Path | None = None
    pixels: np.ndarray | None = None


@dataclass
class ParsedSplit:
    """What a dataset's ``parse`` found: the records to load and the labels it dropped (neutral, contempt)."""

    records: list[Record]
    dropped: Counter = field(default_factory=Counter)
    fingerprint: str = ""


def map_label(table: dict, raw, where: str) -> int | None:
    """Map a dataset's raw label to a GiMeFive id (None = dropped class); unknown labels raise DatasetError."""
    if raw not in table:
        known = ", ".join(str(k) for k in table)
        raise DatasetError(f"{where}: unknown label {raw!r}; expected one of {known}")
    return table[raw]


def file_fingerprint(*paths: Path) -> str:
    """A cheap fingerprint of label files (path, size, mtime) that invalidates caches when they change."""
    parts = [f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths]
    return "|".join(parts)


def decode_gray(path: Path) -> np.ndarray:
    """Decode an image file to uint8 grayscale; corrupt or truncated files raise DatasetError naming the file."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"))
    except FileNotFoundError:
        raise DatasetError(f"{path}: image listed in the labels but missing on disk") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise DatasetError(f"{path}: corrupt or truncated image ({error})") from None


class DatasetLoader:
    """Base class of every dataset. Subclasses set ``name`` and ``aligned`` and implement :meth:`parse`.

    ``aligned`` datasets are already face crops and are only resized; the others go through the
    Haar face detector and the largest face is cropped.
    """

    name = "dataset"
    aligned = True
    splits: tuple[str, ...] = ("train", "test")

    def resolve_root(self, root: Path) -> Path:
        """The dataset folder inside ``root`` (``root`` itself or a known sub-folder)."""
        return root

    def parse(self, root: Path, split: str) -> ParsedSplit:
        """Read the layout under ``root`` and return the records of ``split``."""
        raise NotImplementedError

    def load(
        self,
        root: str | Path,
        split: str = "train",
        size: int = FACE_SIZE,
        cache_dir: str | Path | None = None,
        skip_corrupt: bool = False,
    ) -> FaceSet:
        """Return the split as a FaceSet of ``size x size`` faces, from the cache when it is fresh."""
        root = Path(root).expanduser()
        if not root.is_dir():
            raise DatasetError(f"{root}: dataset folder not found (expected the {self.name} layout there)")
        root = self.resolve_root(root)
        if split not in self.splits:
            raise DatasetError(f"{self.name} has splits {', '.join(self.splits)}, not {split!r}")
        parsed = self.parse(root, split)
        cache = self._cache_path(cache_dir, root, split, size, skip_corrupt, parsed.fingerprint)
        if cache is not None and cache.exists():
            return FaceSet.load(cache, name=f"{self.name}-{split}", report=json.loads(cache.with_suffix(".json").read_text()))
        faces = self._decode(parsed, split, size, skip_corrupt)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(cache.stem + ".tmp.npz")
            faces.save(tmp)
            tmp.replace(cache)
            cache.with_suffix(".json").write_text(json.dumps(faces.report))
        return faces

    def _cache_path(self, cache_dir, root: Path, split: str, size: int, skip: bool, fingerprint: str) -> Path | None:
        if cache_dir is None:
            return None
        key = hashlib.sha1(f"{self.name}|{root.resolve()}|{split}|{size}|{skip}|{fingerprint}".encode()).hexdigest()
        return Path(cache_dir) / "datasets" / f"{self.name}-{split}-{size}-{key[:12]}.npz"

    def _decode(self, parsed: ParsedSplit, split: str, size: int, skip_corrupt: bool) -> FaceSet:
        if not parsed.records:
            raise DatasetError(f"{self.name}: no images of split {split!r} found")
        detector = None if self.aligned else HaarFaceDetector()
        images, labels, sources, corrupt, no_face = [], [], [], [], []
        for record in parsed.records:
            try:
                gray = record.pixels if record.pixels is not None else decode_gray(record.path)
            except DatasetError as error:
                if not skip_corrupt:
                    raise DatasetError(f"{error} (pass skip_corrupt=True / --skip-corrupt to skip such files)") from None
                corrupt.append(str(record.source))
                continue
            face = resize_face(gray, size) if detector is None else largest_face_crop(gray, detector, size)
            if face is None:
                no_face.append(record.source)
                continue
            images.append(face)
            labels.append(record.label)
            sources.append(record.source)
        if not images:
            raise DatasetError(f"{self.name}: none of the {len(parsed.records)} images of split {split!r} could be used")
        report = {
            "dataset": self.name,
            "split": split,
            "loaded": len(images),
            "dropped_labels": dict(parsed.dropped),
            "skipped_corrupt": corrupt,
            "no_face": no_face,
        }
        return FaceSet(np.stack(images), np.array(labels), f"{self.name}-{split}", sources, report=report)
