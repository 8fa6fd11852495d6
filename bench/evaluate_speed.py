"""Wall time of ``evaluate --split test`` on a RAF-DB folder whose label file holds only a test split of 2,388 faces.

The official test split is withheld, so this builds a stand-in in the official layout from train faces: as many
faces of each emotion as the official six-class test split has (happiness 1,185, surprise 329, sadness 478,
anger 162, disgust 160, fear 74), named ``test_NNNN_aligned.jpg``, and 680 neutral lines without images, as in
the official label file (the loader drops neutral faces). Then it times the CLI as a fresh process, cold: imports,
JPEG decoding (``--no-cache``), model loading and flip test-time augmentation included.

The accuracy it prints is NOT a test figure: the shipped checkpoint was trained on most of these faces.

    python bench/evaluate_speed.py --root DATA    # RAF-DB under DATA (default: $GIMEFIVE_DATA), the shipped checkpoint
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gimefive_lib.data.datasets.rafdb import LABEL_FILE, RAFDB_NAMES, RafDB
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.settings import get_settings

OFFICIAL_TEST_COUNTS = {"happiness": 1185, "surprise": 329, "sadness": 478, "anger": 162, "disgust": 160, "fear": 74}
OFFICIAL_TEST_NEUTRAL = 680
RAFDB_IDS = {name: raw for raw, name in RAFDB_NAMES.items()}


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows it, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_test_only_folder(train_root: Path, out: Path) -> int:
    """A RAF-DB basic folder at ``out`` with only a test split of the official size; returns its six-class faces."""
    records = RafDB().parse(train_root, "train").records
    (out / "Image" / "aligned").mkdir(parents=True)
    (out / LABEL_FILE).parent.mkdir()
    lines = []
    for emotion, count in OFFICIAL_TEST_COUNTS.items():
        paths = [record.path for record in records if EMOTIONS[record.label] == emotion]
        if len(paths) < count:
            raise SystemExit(f"{train_root} has {len(paths)} {emotion} train faces; this benchmark needs {count}")
        for path in paths[:count]:
            stem = f"test_{len(lines) + 1:04d}"
            link_or_copy(path, out / "Image" / "aligned" / f"{stem}_aligned.jpg")
            lines.append(f"{stem}.jpg {RAFDB_IDS[emotion]}")
    faces = len(lines)
    lines += [f"test_{faces + i:04d}.jpg {RAFDB_IDS['neutral']}" for i in range(1, OFFICIAL_TEST_NEUTRAL + 1)]
    (out / LABEL_FILE).write_text("\n".join(lines) + "\n")
    return faces


def time_evaluate(root: Path, checkpoint: Path) -> tuple[float, dict]:
    """Seconds of one cold ``python -m gimefive_lib evaluate --split test --json --no-cache`` and its JSON."""
    command = [sys.executable, "-m", "gimefive_lib", "evaluate", "--checkpoint", str(checkpoint), "--dataset",
               "rafdb", "--root", str(root), "--split", "test", "--json", "--no-cache"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"evaluate failed ({done.returncode}):\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, help="RAF-DB with the train split (default: $GIMEFIVE_DATA)")
    parser.add_argument("--checkpoint", type=Path, help="default: the shipped one")
    parser.add_argument("--runs", type=int, default=2, help="cold runs to time")
    args = parser.parse_args()
    settings = get_settings()
    if (args.root or settings.data_root) is None:
        parser.error("needs RAF-DB train faces: --root DATA or GIMEFIVE_DATA=DATA")
    train_root = RafDB().resolve_root(args.root or settings.data_root)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "basic"
        faces = write_test_only_folder(train_root, root)
        print(f"test-only RAF-DB folder: {faces} six-class faces + {OFFICIAL_TEST_NEUTRAL} neutral lines")
        for run in range(1, args.runs + 1):
            seconds, result = time_evaluate(root, args.checkpoint or settings.checkpoint)
            print(f"run {run}: {seconds:.1f} s wall for n = {result['n']} ({result['n'] / seconds:.0f} faces/s), "
                  f"accuracy {result['accuracy']:.4f} (train faces: not a test figure)")


if __name__ == "__main__":
    main()
