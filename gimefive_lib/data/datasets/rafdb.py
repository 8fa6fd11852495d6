"""RAF-DB basic: ``Image/aligned/<name>_aligned.jpg`` (or ``Image/original``) + ``EmoLabel/list_patition_label.txt``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gimefive_lib.data.datasets.base import (
    DatasetError,
    DatasetLoader,
    ParsedSplit,
    Record,
    file_fingerprint,
    map_label,
    read_text_lines,
)
from gimefive_lib.labels import RAFDB_TO_GIMEFIVE

RAFDB_NAMES = {1: "surprise", 2: "fear", 3: "disgust", 4: "happiness", 5: "sadness", 6: "anger", 7: "neutral"}
LABEL_FILE = Path("EmoLabel") / "list_patition_label.txt"


class RafDB(DatasetLoader):
    """RAF-DB basic with its seven official ids (1 surprise ... 7 neutral); neutral is dropped and counted."""

    name = "rafdb"
    splits = ("train", "test")

    def __init__(self, variant: str = "aligned") -> None:
        if variant not in ("aligned", "original"):
            raise ValueError(f"RAF-DB variant must be 'aligned' or 'original', got {variant!r}")
        self.variant = variant
        self.aligned = variant == "aligned"

    def resolve_root(self, root: Path) -> Path:
        for candidate in (root, root / "basic", root / "RAF-DB" / "basic"):
            if (candidate / LABEL_FILE).exists():
                return candidate
        raise DatasetError(
            f"{root}: no RAF-DB label file; expected {LABEL_FILE} under it (or under basic/ or RAF-DB/basic/)"
        )

    def parse(self, root: Path, split: str) -> ParsedSplit:
        label_file = root / LABEL_FILE
        image_dir = root / "Image" / self.variant
        if not image_dir.is_dir():
            raise DatasetError(f"{image_dir}: image folder missing (RAF-DB basic keeps faces in Image/{self.variant})")
        records, dropped = [], Counter()
        for number, line in enumerate(read_text_lines(label_file), start=1):
            if not line.strip():
                continue
            where = f"{label_file}:{number}"
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise DatasetError(f"{where}: expected '<name>.jpg <id>', got {line.strip()!r}")
            name, raw = parts[0], int(parts[1])
            if not name.startswith(f"{split}_"):
                continue
            label = map_label(RAFDB_TO_GIMEFIVE, raw, where)
            if label is None:
                dropped[RAFDB_NAMES[raw]] += 1
                continue
            stem = Path(name).stem
            file = image_dir / (f"{stem}_aligned.jpg" if self.aligned else name)
            records.append(Record(label=label, source=file.name, path=file))
        return ParsedSplit(records, dropped, file_fingerprint(label_file))
