"""bench/face_detection.py's figures: several seeds pooled, and recall counted on the faces of 64 px and more."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench(load_bench):
    return load_bench("face_detection")


def _run(hits: list[bool], sides: list[int], false_empty: int, false_faces: int) -> dict:
    return {"hits": np.array(hits), "sides": np.array(sides), "false_faces": false_faces, "false_empty": false_empty,
            "face_frames": 2, "empty_frames": 2, "seconds": 0.4}


def test_seeds_pool_into_one_run(bench):
    both = bench.pooled([_run([True, False], [100, 50], 1, 0), _run([True, True, False], [64, 63, 200], 0, 2)])
    assert both["hits"].tolist() == [True, False, True, True, False]
    assert both["sides"].tolist() == [100, 50, 64, 63, 200]
    assert (both["false_empty"], both["false_faces"], both["face_frames"], both["empty_frames"]) == (1, 2, 4, 4)
    assert both["seconds"] == pytest.approx(0.8)


def test_a_row_counts_recall_on_large_faces_and_false_faces_per_100_frames(bench):
    # 3 of 4 faces >= 64 px found; the 40-px face, missed, only lowers the recall over all faces
    run = _run([True, True, True, False, False], [64, 100, 300, 90, 40], false_empty=1, false_faces=0)
    cells = [cell.strip() for cell in bench.table_row("x", run, interval=True).split("|")[1:-1]]
    assert cells[1] == "0.600"
    recall, interval = cells[2].split(" ", 1)
    assert recall == "0.750"
    low, high = (float(v) for v in interval.strip("()").split("-"))
    assert low <= 0.75 <= high and high - low > 0.1  # four faces: a wide interval
    assert cells[3] == "50.0" and cells[4] == "0.0" and cells[5] == "100.0"  # 0.4 s over 4 frames
