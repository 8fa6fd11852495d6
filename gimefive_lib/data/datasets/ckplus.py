"""CK+: ``cohn-kanade-images/S005/001/S005_001_00000011.png`` + ``Emotion/S005/001/S005_001_00000011_emotion.txt``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gimefive_lib.data.datasets.base import DatasetError, DatasetLoader, ParsedSplit, Record, map_label, read_text_lines
from gimefive_lib.labels import CKPLUS_TO_GIMEFIVE

CKPLUS_NAMES = ("neutral", "anger", "contempt", "disgust", "fear", "happiness", "sadness", "surprise")
IMAGE_DIR = "cohn-kanade-images"
LABEL_DIR = "Emotion"
LABEL_SUFFIX = "_emotion.txt"


def read_emotion_file(path: Path) -> int:
    """The official CK+ id in an emotion file (one float such as ``   3.0000000e+00``)."""
    text = "\n".join(read_text_lines(path)).strip()
    try:
        value = float(text)
    except ValueError:
        raise DatasetError(f"{path}: expected one number (an emotion id 0..7), got {text[:40]!r}") from None
    if not value.is_integer():
        raise DatasetError(f"{path}: emotion {value} is not a whole number; expected an id 0..7")
    return int(value)


class CKPlus(DatasetLoader):
    """Extended Cohn-Kanade: the labelled peak frame(s) of each sequence; contempt (and neutral) dropped and counted.

    The images are whole frames (640x490), so faces are found with the face detector (BlazeFace) and cropped.
    ``peak_frames`` > 1 also takes the frames just before the peak (a common CK+ protocol uses 3).
    CK+ has no official split: ``train`` is every labelled sequence (alias ``all``).
    """

    name = "ckplus"
    aligned = False
    splits = ("train",)
    split_aliases = {"all": "train"}

    def __init__(self, peak_frames: int = 1) -> None:
        if peak_frames < 1:
            raise ValueError(f"peak_frames must be at least 1, got {peak_frames}")
        self.peak_frames = peak_frames

    def resolve_root(self, root: Path) -> Path:
        candidates = [root, root / "CK+", root / "ckplus", root / "CKPlus"]
        for candidate in candidates:
            if (candidate / IMAGE_DIR).is_dir() and (candidate / LABEL_DIR).is_dir():
                return candidate
        partial = next((c for c in candidates if (c / IMAGE_DIR).is_dir() or (c / LABEL_DIR).is_dir()), root)
        missing = [d for d in (IMAGE_DIR, LABEL_DIR) if not (partial / d).is_dir()]
        raise DatasetError(
            f"{partial}: no CK+ layout; missing folder {' and '.join(missing)} (expected {IMAGE_DIR}/ and "
            f"{LABEL_DIR}/ in {root} or under its CK+/)"
        )

    def parse(self, root: Path, split: str) -> ParsedSplit:
        self.canonical_split(split)
        label_files = sorted((root / LABEL_DIR).glob(f"*/*/*{LABEL_SUFFIX}"))
        if not label_files:
            example = f"S005/001/S005_001_00000011{LABEL_SUFFIX}"
            raise DatasetError(f"{root / LABEL_DIR}: no emotion files; expected files such as {example}")
        records, dropped, stamps = [], Counter(), []
        for label_file in label_files:
            stat = label_file.stat()
            stamps.append(f"{label_file.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
            raw = read_emotion_file(label_file)
            label = map_label(CKPLUS_TO_GIMEFIVE, raw, str(label_file))
            if label is None:
                dropped[CKPLUS_NAMES[raw]] += 1
                continue
            for frame in self._peak_frames(root, label_file):
                records.append(Record(label=label, source=str(frame.relative_to(root / IMAGE_DIR)), path=frame))
        return ParsedSplit(records, dropped, "|".join(stamps))

    def _peak_frames(self, root: Path, label_file: Path) -> list[Path]:
        """The labelled frame of a sequence and the ``peak_frames - 1`` frames before it."""
        sequence = label_file.parent.relative_to(root / LABEL_DIR)
        peak = root / IMAGE_DIR / sequence / (label_file.name.removesuffix(LABEL_SUFFIX) + ".png")
        if not peak.is_file():
            raise DatasetError(f"{label_file}: its peak frame {peak} is missing")
        frames = sorted(p for p in peak.parent.glob("*.png") if p.name <= peak.name)
        return frames[-self.peak_frames :]
