"""FER2013: ``fer2013.csv`` with columns ``emotion,pixels,Usage``; 48x48 grayscale faces as space-separated pixels."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from gimefive_lib.data.datasets.base import (
    DatasetError,
    DatasetLoader,
    ParsedSplit,
    Record,
    SplitNotFound,
    file_fingerprint,
    map_label,
    undecodable,
)
from gimefive_lib.labels import FER2013_TO_GIMEFIVE

FER2013_NAMES = {0: "anger", 1: "disgust", 2: "fear", 3: "happiness", 4: "sadness", 5: "surprise", 6: "neutral"}
CSV_NAME = "fer2013.csv"
SIDE = 48
PIXELS = SIDE * SIDE
USAGE = {"train": "Training", "val": "PublicTest", "test": "PrivateTest"}
COLUMNS = ("emotion", "pixels", "Usage")


def parse_pixel_rows(
    texts: list[str], lines: list[int], csv_file: Path, chunk: int = 2000
) -> tuple[np.ndarray, dict[int, DatasetError]]:
    """Space-separated pixel strings -> ``(N, 48, 48)`` uint8 and the malformed rows: row index -> DatasetError
    naming its csv line (those rows are left black; the loader raises or skips them as ``--skip-corrupt`` says).

    Rows are parsed ``chunk`` at a time with one ``np.fromstring`` call; only a failing chunk is searched row by row.
    """
    out = np.zeros((len(texts), SIDE, SIDE), np.uint8)
    errors: dict[int, DatasetError] = {}
    for start in range(0, len(texts), chunk):
        rows = texts[start : start + chunk]
        where = lines[start : start + len(rows)]
        try:
            values = np.fromstring(" ".join(rows), dtype=np.int32, sep=" ")
        except ValueError:
            values = None
        counts_ok = values is not None and values.size == len(rows) * PIXELS
        if counts_ok and all(row.strip().count(" ") == PIXELS - 1 for row in rows):
            values = values.reshape(len(rows), PIXELS)
        else:
            values = np.zeros((len(rows), PIXELS), np.int64)
            for i, (row, line) in enumerate(zip(rows, where, strict=True)):
                parsed = _parse_row(row, line, csv_file)
                if isinstance(parsed, DatasetError):
                    errors[start + i] = parsed
                else:
                    values[i] = parsed
        for i in np.flatnonzero(((values < 0) | (values > 255)).any(axis=1)):
            value = values[i][(values[i] < 0) | (values[i] > 255)][0]
            message = f"{csv_file}:{where[i]}: pixel value {value}; expected integers 0..255"
            errors[start + int(i)] = DatasetError(message)
            values[i] = 0
        out[start : start + len(rows)] = values.reshape(len(rows), SIDE, SIDE)
    return out, errors


def _parse_row(text: str, line: int, csv_file: Path) -> np.ndarray | DatasetError:
    """One pixel string, checked token by token (the slow path that finds what is wrong)."""
    tokens = text.split()
    for token in tokens:
        if not token.lstrip("-").isdigit():
            return DatasetError(f"{csv_file}:{line}: non-numeric pixel {token!r}; expected integers 0..255")
    if len(tokens) != PIXELS:
        return DatasetError(f"{csv_file}:{line}: {len(tokens)} pixels; expected {PIXELS} ({SIDE}x{SIDE} grayscale)")
    return np.array(tokens, dtype=np.int64)


class Fer2013(DatasetLoader):
    """FER2013 with its seven official ids (0 angry ... 6 neutral); neutral is dropped and counted.

    Splits: ``train`` = Training, ``val`` = PublicTest, ``test`` = PrivateTest (the raw names work too).
    A csv without a ``Usage`` column (Kaggle's ``train.csv``) is all ``train``.
    """

    name = "fer2013"
    aligned = True
    splits = ("train", "val", "test")
    split_aliases = {usage: split for split, usage in USAGE.items()}

    def resolve_root(self, root: Path) -> Path:
        for candidate in (root, root / "fer2013", root / "FER2013"):
            if (candidate / CSV_NAME).is_file():
                return candidate
        raise DatasetError(f"{root}: no {CSV_NAME}; expected it there or under fer2013/ (columns {','.join(COLUMNS)})")

    def fingerprint(self, root: Path, split: str) -> str:
        return file_fingerprint(root / CSV_NAME)

    def parse(self, root: Path, split: str) -> ParsedSplit:
        csv_file = root / CSV_NAME
        table = self._read_table(csv_file)
        usage = USAGE[self.canonical_split(split)]
        if "Usage" in table:
            unknown = ~table["Usage"].isin(list(USAGE.values()))
            if unknown.any():
                line = int(table.index[unknown][0])
                value = table.loc[line, "Usage"]
                expected = ", ".join(USAGE.values())
                raise DatasetError(f"{csv_file}:{line}: unknown Usage {value!r}; expected one of {expected}")
            table = table[table["Usage"] == usage]
        elif usage != "Training":
            raise SplitNotFound(f"{csv_file}: no Usage column, so every row is train; there is no {split!r} split")
        labels, keep, dropped = [], [], Counter()
        for line, raw in zip(table.index, table["emotion"], strict=True):
            where = f"{csv_file}:{line}"
            if not raw.strip().isdigit():
                raise DatasetError(f"{where}: emotion {raw!r} is not an integer id; expected 0..6")
            label = map_label(FER2013_TO_GIMEFIVE, int(raw), where)
            if label is None:
                dropped[FER2013_NAMES[int(raw)]] += 1
                continue
            labels.append(label)
            keep.append(line)
        lines = [int(line) for line in keep]
        pixels, errors = parse_pixel_rows(table.loc[keep, "pixels"].tolist(), lines, csv_file)
        records = [
            Record(label=label, source=f"{CSV_NAME}:{line}", pixels=face, error=errors.get(i))
            for i, (label, line, face) in enumerate(zip(labels, lines, pixels, strict=True))
        ]
        return ParsedSplit(records, dropped, file_fingerprint(csv_file))

    @staticmethod
    def _read_table(csv_file: Path) -> pd.DataFrame:
        """The csv as strings indexed by csv line number, blank lines removed; the header is checked."""
        try:
            table = pd.read_csv(
                csv_file, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
            )
        except UnicodeDecodeError as error:
            raise DatasetError(undecodable(csv_file, csv_file.read_bytes(), error)) from None
        except pd.errors.ParserError as error:
            raise DatasetError(f"{csv_file}: not a readable csv ({error})") from None
        except pd.errors.EmptyDataError:
            raise DatasetError(f"{csv_file}: empty file; expected the header {','.join(COLUMNS)}") from None
        table.columns = [str(c).strip() for c in table.columns]
        missing = [c for c in ("emotion", "pixels") if c not in table.columns]
        if missing:
            header, expected = ",".join(table.columns), ",".join(COLUMNS)
            raise DatasetError(f"{csv_file}:1: header {header!r} lacks {', '.join(missing)}; expected {expected}")
        table.index = table.index + 2  # line 1 is the header
        return table[(table != "").any(axis=1)]
