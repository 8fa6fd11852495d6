"""Dataset base class: each dataset parses its layout into records; this class decodes, crops, caches, reports."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from gimefive_lib.data.detection import DEFAULT_DETECTOR, FACE_CROP, largest_face_crop, make_detector
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import FACE_SIZE, resize_face


class DatasetError(ValueError):
    """A dataset on disk does not have the layout or content that was expected; the message names the file."""


class SplitNotFound(DatasetError):
    """The dataset is there but has no images of the requested split (e.g. a download of the train split only)."""


@dataclass
class Record:
    """One face to load: its GiMeFive label, where it came from, and either an image file or decoded pixels."""

    label: int
    source: str
    path: Path | None = None
    pixels: np.ndarray | None = None
    error: DatasetError | None = None  # set by parse for an entry already known to be malformed (a short csv row)


@dataclass
class ParsedSplit:
    """What a dataset's ``parse`` found: the records to load and the labels it dropped (neutral, contempt)."""

    records: list[Record]
    dropped: Counter = field(default_factory=Counter)
    fingerprint: str = ""

    def content_fingerprint(self) -> str:
        """The label files' fingerprint plus the size and modification time of every image file the records name,
        so a cache is decoded again when an image changed, appeared or vanished, not only when the labels did."""
        stamps = hashlib.sha1()
        for record in self.records:
            if record.path is not None:
                try:
                    stat = record.path.stat()
                    stamps.update(f"{record.path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
                except OSError:
                    stamps.update(f"{record.path}:missing\n".encode())
        return f"{self.fingerprint}|images:{stamps.hexdigest()}"


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


def undecodable(path: Path, data: bytes, error: UnicodeDecodeError) -> str:
    """The message for a text file that is not UTF-8: the file, the line and the byte."""
    line = data[: error.start].count(b"\n") + 1
    return f"{path}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"


def read_text_lines(path: Path) -> list[str]:
    """A label file's lines, read as UTF-8 (a byte-order mark is dropped); other encodings raise DatasetError
    naming the file and line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise DatasetError(undecodable(path, data, error)) from None


def decode_image(path: Path, mode: str = "L") -> np.ndarray:
    """Decode an image file to uint8 in PIL ``mode`` ("L" grayscale, "RGB"); corrupt, truncated or missing files
    raise DatasetError naming the file."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert(mode))
    except FileNotFoundError:
        raise DatasetError(f"{path}: image listed in the labels but missing on disk") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise DatasetError(f"{path}: corrupt or truncated image ({error})") from None


def decode_workers() -> int:
    """Threads used to decode and crop images (PIL and OpenCV release the GIL while they work)."""
    return max(1, min(8, os.cpu_count() or 1))


def require_dataset_root(root: str | Path, expected: str) -> Path:
    """``root`` as a Path (``~`` expanded); a DatasetError naming it and the ``expected`` layout if it is no folder."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found (expected {expected} there)")
    return root


class DatasetLoader:
    """Base class of every dataset. Subclasses set ``name`` and ``aligned`` and implement :meth:`parse`.

    ``aligned`` datasets are already face crops and are only resized; the others go through the
    face detector (``detector``: BlazeFace, or Haar without mediapipe) and the largest face is cropped, framed
    like RAF-DB's aligned faces (:func:`~gimefive_lib.data.detection.face_crop`). ``split_aliases`` maps other
    spellings of a split (e.g. FER2013's ``PublicTest``) onto one of ``splits``.
    """

    name = "dataset"
    aligned = True
    detector = DEFAULT_DETECTOR
    splits: tuple[str, ...] = ("train", "test")
    split_aliases: dict[str, str] = {}

    def resolve_root(self, root: Path) -> Path:
        """The dataset folder inside ``root`` (``root`` itself or a known sub-folder)."""
        return root

    def canonical_split(self, split: str) -> str:
        """``split`` as one of :attr:`splits` (aliases resolved); unknown names raise DatasetError."""
        canonical = self.split_aliases.get(split, split)
        if canonical not in self.splits:
            aliases = f" (or {', '.join(self.split_aliases)})" if self.split_aliases else ""
            raise DatasetError(f"{self.name} has splits {', '.join(self.splits)}{aliases}, not {split!r}")
        return canonical

    def fingerprint(self, root: Path, split: str) -> str | None:
        """A cheap fingerprint of the label files, so a fresh cache is used without parsing; None = parse first.

        Datasets whose :meth:`parse` is expensive (FER2013 parses a 200 MB csv) override this; it must equal
        the ``fingerprint`` their :meth:`parse` returns.
        """
        return None

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
        root = self.resolve_root(require_dataset_root(root, f"the {self.name} layout"))
        split = self.canonical_split(split)
        fingerprint = self.fingerprint(root, split)
        parsed = self.parse(root, split) if fingerprint is None else None
        key = fingerprint or parsed.content_fingerprint()
        cache = self._cache_path(cache_dir, root, split, size, skip_corrupt, key)
        if cache is not None and cache.exists() and cache.with_suffix(".json").exists():
            report = json.loads(cache.with_suffix(".json").read_text())
            faces = FaceSet.load(cache, name=f"{self.name}-{split}", report=report)
            faces.report.update(root=str(root), cache=str(cache), from_cache=True)
            return faces
        parsed = parsed or self.parse(root, split)
        if not parsed.records:
            raise SplitNotFound(f"{root}: no {self.name} images of split {split!r} found")
        faces = self._decode(parsed, split, size, skip_corrupt)
        faces.report["root"] = str(root)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            faces.save_entry(cache, faces.report)
        faces.report.update(cache=None if cache is None else str(cache), from_cache=False)
        return faces

    def _cache_path(self, cache_dir, root: Path, split: str, size: int, skip: bool, fingerprint: str) -> Path | None:
        if cache_dir is None:
            return None
        spec = f"{self.name}|{root.resolve()}|{split}|{size}|{skip}|{fingerprint}|{self._crop_kind()}"
        key = hashlib.sha1(spec.encode()).hexdigest()
        return Path(cache_dir) / "datasets" / f"{self.name}-{split}-{size}-{key[:12]}.npz"

    def _crop_kind(self) -> str:
        """What makes the crops (part of the cache key): nothing for aligned faces, else the detector and crop."""
        return "aligned" if self.aligned else f"{self.detector}-{FACE_CROP}"

    def _decode(self, parsed: ParsedSplit, split: str, size: int, skip_corrupt: bool) -> FaceSet:
        if not parsed.records:
            raise SplitNotFound(f"{self.name}: no images of split {split!r} found")
        images, labels, sources, corrupt, no_face = [], [], [], [], []
        pool = ThreadPoolExecutor(max_workers=decode_workers())
        try:
            faces = pool.map(self._face_reader(size), parsed.records)
            for record, face in zip(parsed.records, faces, strict=True):
                if isinstance(face, DatasetError):
                    if not skip_corrupt:
                        raise DatasetError(f"{face} (pass skip_corrupt=True / --skip-corrupt to skip such files)")
                    corrupt.append(str(record.source))
                elif face is None:
                    no_face.append(record.source)
                else:
                    images.append(face)
                    labels.append(record.label)
                    sources.append(record.source)
        finally:
            pool.shutdown(cancel_futures=True)
        if not images:
            raise DatasetError(
                f"{self.name}: none of the {len(parsed.records)} images of split {split!r} could be used "
                f"({len(corrupt)} corrupt, {len(no_face)} without a detected face)"
            )
        report = {
            "dataset": self.name,
            "split": split,
            "loaded": len(images),
            "dropped_labels": dict(parsed.dropped),
            "skipped_corrupt": corrupt,
            "no_face": no_face,
        }
        return FaceSet(np.stack(images), np.array(labels), f"{self.name}-{split}", sources, report=report)

    def _face_reader(self, size: int):
        """A thread-safe function: record -> ``size x size`` face, None (no face found) or the DatasetError."""
        local = threading.local()

        def read(record: Record) -> np.ndarray | DatasetError | None:
            if record.error is not None:
                return record.error
            try:
                gray = record.pixels if record.pixels is not None else decode_image(record.path)
            except DatasetError as error:
                return error
            if self.aligned:
                return resize_face(gray, size)
            if not hasattr(local, "detector"):
                local.detector = make_detector(self.detector)  # one per thread: neither detector is thread-safe
            return largest_face_crop(gray, local.detector, size)

        return read
