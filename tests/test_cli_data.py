"""``python -m gimefive_lib data summary | prepare | synthetic | clip`` on tiny datasets written by the tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gimefive_lib.cli import main
from gimefive_lib.cli.data import parse_options
from gimefive_lib.data.faceset import FaceSet


def write_rafdb(root: Path, labels: dict[str, int]) -> Path:
    """A RAF-DB basic layout with flat grey 100x100 aligned faces: ``{"train_00001": 4, ...}``."""
    basic = root / "RAF-DB" / "basic"
    (basic / "EmoLabel").mkdir(parents=True)
    (basic / "Image" / "aligned").mkdir(parents=True)
    for name in labels:
        Image.fromarray(np.full((100, 100, 3), 128, np.uint8)).save(basic / "Image" / "aligned" / f"{name}_aligned.jpg")
    lines = [f"{name}.jpg {raw}" for name, raw in labels.items()]
    (basic / "EmoLabel" / "list_patition_label.txt").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def rafdb(tmp_path, monkeypatch) -> Path:
    """Four train faces (two happy, one surprised, one neutral) and one test face; the cache in ``tmp_path``."""
    monkeypatch.setenv("GIMEFIVE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GIMEFIVE_DATA", raising=False)
    return write_rafdb(tmp_path / "data", {"train_00001": 4, "train_00002": 4, "train_00003": 1, "train_00004": 7})


def test_summary_prints_counts_and_dropped_labels(rafdb, capsys):
    assert main(["data", "summary", "--dataset", "rafdb", "--root", str(rafdb)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rafdb-train: 3 faces of 64x64 from ")
    assert "happiness        2   66.7 %" in out
    assert "surprise         1   33.3 %" in out
    assert "fear             0    0.0 %" in out
    assert "dropped labels: neutral 1" in out
    assert "corrupt images skipped: 0" in out
    assert "images without a detected face: 0" in out
    assert "(written)" in out


def test_summary_json_and_cache_reuse(rafdb, capsys):
    main(["data", "summary", "--dataset", "rafdb", "--root", str(rafdb), "--json"])
    first = json.loads(capsys.readouterr().out)
    assert first["n"] == 3
    assert first["class_counts"] == {"happiness": 2, "surprise": 1, "sadness": 0, "anger": 0, "disgust": 0, "fear": 0}
    assert first["dropped_labels"] == {"neutral": 1}
    assert first["skipped_corrupt"] == 0 and first["no_face"] == 0
    assert first["from_cache"] is False
    main(["data", "summary", "--dataset", "rafdb", "--root", str(rafdb), "--json"])
    assert json.loads(capsys.readouterr().out)["from_cache"] is True


def test_summary_reads_the_root_from_gimefive_data(rafdb, capsys, monkeypatch):
    monkeypatch.setenv("GIMEFIVE_DATA", str(rafdb))
    main(["data", "summary", "--dataset", "rafdb", "--json", "--no-cache"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 3 and "cache" not in summary or summary["cache"] is None


def test_summary_reports_corrupt_files_when_asked_to_skip(rafdb, capsys):
    bad = rafdb / "RAF-DB" / "basic" / "Image" / "aligned" / "train_00002_aligned.jpg"
    bad.write_bytes(b"broken")
    with pytest.raises(SystemExit, match="train_00002_aligned.jpg: corrupt or truncated image"):
        main(["data", "summary", "--dataset", "rafdb", "--root", str(rafdb)])
    main(["data", "summary", "--dataset", "rafdb", "--root", str(rafdb), "--skip-corrupt"])
    assert "corrupt images skipped: 1 (e.g. train_00002_aligned.jpg)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "rafdb", "--root", "/no/such/folder"], "error: /no/such/folder: dataset folder not found"),
        (["--dataset", "rafdb"], "--root is required for --dataset rafdb"),
        (["--dataset", "imagenet", "--root", "."], "error: unknown dataset 'imagenet'"),
        (["--dataset", "rafdb", "--root", ".", "--option", "peak_frames"], "--option expects KEY=VALUE"),
    ],
    ids=["missing-root", "no-root", "unknown-dataset", "bad-option"],
)
def test_summary_errors_are_one_clear_line(rafdb, argv, message):
    with pytest.raises(SystemExit, match=message):
        main(["data", "summary", *argv])


def test_prepare_caches_each_split_and_skips_absent_ones(rafdb, capsys):
    main(["data", "prepare", "--dataset", "rafdb", "--root", str(rafdb)])
    out = capsys.readouterr().out
    assert "rafdb-train: 3 faces decoded and cached in" in out
    assert "rafdb test: skipped" in out and "no rafdb images of split 'test'" in out
    assert len(list((rafdb.parent / "cache" / "datasets").glob("rafdb-train-64-*.npz"))) == 1
    main(["data", "prepare", "--dataset", "rafdb", "--root", str(rafdb), "--split", "train"])
    assert "rafdb-train: 3 faces already cached" in capsys.readouterr().out


def test_prepare_passes_loader_options(tmp_path, capsys):
    for name in ("happy", "sad"):
        (tmp_path / "faces" / name).mkdir(parents=True)
        Image.fromarray(np.full((48, 48), 100, np.uint8)).save(tmp_path / "faces" / name / "a.png")
    argv = ["data", "prepare", "--dataset", "folder", "--root", str(tmp_path / "faces"), "--split", "train"]
    main([*argv, "--cache", str(tmp_path / "cache"), "--option", "name=tfeid"])
    assert "tfeid-train: 2 faces decoded and cached" in capsys.readouterr().out


def test_parse_options_types():
    assert parse_options(["aligned=false", "peak_frames=3", "parts=rafdb,fer2013", "name=tfeid"]) == {
        "aligned": False,
        "peak_frames": 3,
        "parts": ["rafdb", "fer2013"],
        "name": "tfeid",
    }


def test_synthetic_writes_npz_and_figures(tmp_path, capsys):
    out = tmp_path / "synthetic"
    main(["data", "synthetic", "--n", "24", "--out", str(out), "--seed", "3", "--size", "48"])
    assert "24 synthetic faces (48x48, seed 3) generated in" in capsys.readouterr().out
    faces = FaceSet.load(out / "synthetic.npz")
    assert faces.images.shape == (24, 48, 48)
    assert faces.class_counts().tolist() == [4] * 6
    assert faces.masks.shape == (24, 48, 48) and faces.landmarks.shape == (24, 68, 2)
    for name in ("synthetic-grid.png", "synthetic-evidence.png"):
        with Image.open(out / name) as image:
            assert image.width > 300


def test_summary_of_the_synthetic_default(capsys):
    main(["data", "summary", "--dataset", "synthetic", "--synthetic-n", "60", "--size", "32", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 60 and summary["image_size"] == 32
    assert set(summary["class_counts"].values()) == {10}


def test_clip_writes_the_benchmark_clip_of_the_faces_in_data(rafdb, tmp_path, capsys):
    import cv2

    out = tmp_path / "clip.mp4"
    assert main(["data", "clip", "--output", str(out), "--faces", "2", "--frames", "6", "--data", str(rafdb)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote {out}: 6 frames 640x480, 2 faces each") and "RAF-DB" in printed
    video = cv2.VideoCapture(str(out))
    frames = []
    while (frame := video.read()[1]) is not None:
        frames.append(frame)
    assert len(frames) == 6 and frames[0].shape == (480, 640, 3)
    assert not list(tmp_path.glob(".*clip*"))  # no temp file left beside it


def test_clip_refuses_more_faces_than_fit_and_writes_nothing(tmp_path):
    out = tmp_path / "clip.mp4"
    with pytest.raises(SystemExit, match=r"data: error: --faces 17: at most 16"):
        main(["data", "clip", "--output", str(out), "--faces", "17"])
    assert not out.exists()
