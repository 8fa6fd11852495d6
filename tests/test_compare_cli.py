"""``compare``: notebook 03's comparison from the shell, written to the run folder and resumable."""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import pandas as pd
import pytest

from gimefive_lib.cli import build_parser, main
from gimefive_lib.cli.compare import comparison_splits
from gimefive_lib.evaluation.comparison import (
    accuracy_by_budget,
    measured_comparison,
    measured_comparison_path,
    plain_values,
)
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models import MODEL_NAMES


def compare_args(out, *extra: str) -> list[str]:
    return ["compare", "--dataset", "synthetic", "--synthetic-n", "120", "--models", "gimefive", "gimefive_baseline",
            "--epochs", "1", "--batch-size", "32", "--no-progress", "--device", "cpu", "--out", str(out), *extra]


def test_compare_writes_the_table_and_reloads_the_trained_models(tmp_path, capsys):
    out = tmp_path / "compare"
    assert main(compare_args(out, "--json", "--table", str(tmp_path / "figures" / "table.csv"))) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    table = pd.read_csv(out / "comparison.csv", index_col="model")
    assert list(table.index) == ["gimefive", "gimefive_baseline"]
    assert table["parameters"].tolist() == [10_478_086, 2_606_086]
    assert np.isnan(table.loc["gimefive", "mcnemar_p_vs_gimefive"])  # the reference is not tested against itself
    assert 0.0 <= table.loc["gimefive_baseline", "mcnemar_p_vs_gimefive"] <= 1.0
    assert (table["test_ci_low"] <= table["test_acc"]).all() and (table["test_acc"] <= table["test_ci_high"]).all()
    assert report == json.loads((out / "comparison.json").read_text())
    assert (tmp_path / "figures" / "table.csv").read_text() == (out / "comparison.csv").read_text()
    assert report == json.loads((tmp_path / "figures" / "table.json").read_text())
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["table.csv", "table.json"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "figures" / "table.csv").stat().st_mode & 0o777 == 0o666 & ~umask  # not private like mkstemp's
    assert report["n"] == {"train": 108, "val": 12, "test": 60}
    assert report["protocol"]["epochs"] == 1 and report["protocol"]["batch_size"] == 32
    for matrix in report["confusion_matrices"].values():
        assert np.asarray(matrix).sum() == 60
    assert set(report["per_class_accuracy"]) == {"gimefive", "gimefive_baseline"}

    trained = {name: (out / name / "best.pt").stat().st_mtime_ns for name in ("gimefive", "gimefive_baseline")}
    assert main(compare_args(out)) == 0  # a second run loads the finished models instead of training them again
    assert "epoch 1/1" not in capsys.readouterr().out
    assert trained == {name: (out / name / "best.pt").stat().st_mtime_ns for name in trained}


def test_the_json_report_keeps_small_p_values_and_writes_missing_ones_as_null():
    frame = pd.DataFrame({"mcnemar_p_vs_gimefive": [np.nan, 1.4e-15], "parameters": [10_478_086, 2_606_086]},
                         index=pd.Index(["gimefive", "vgg"], name="model"))
    records = json.loads(json.dumps(plain_values(frame.reset_index(), "records")))
    assert records == [{"model": "gimefive", "mcnemar_p_vs_gimefive": None, "parameters": 10_478_086},
                       {"model": "vgg", "mcnemar_p_vs_gimefive": 1.4e-15, "parameters": 2_606_086}]


def parse(*extra: str) -> argparse.Namespace:
    return build_parser(("compare",)).parse_args(compare_args("unused", *extra))


def test_holdout_carves_a_stratified_test_split_out_of_train():
    train, val, test = comparison_splits(parse("--holdout", "0.2"))
    assert (len(train), len(val), len(test)) == (86, 10, 24)
    assert test.name.endswith("-holdout")
    assert np.bincount(test.labels, minlength=6).tolist() == [4] * 6
    # no face is in two splits: the synthetic identities repeat, so compare the images themselves
    seen = {image.tobytes() for part in (train, val) for image in part.images}
    assert not any(image.tobytes() in seen for image in test.images)


def test_a_dataset_without_a_test_split_asks_for_a_holdout(tmp_path, tiny_faces, write_rafdb_split, monkeypatch):
    monkeypatch.setenv("GIMEFIVE_CACHE", str(tmp_path / "cache"))
    write_rafdb_split(tmp_path / "RAF-DB" / "basic", tiny_faces.subset(np.arange(0, 240, 8)), "train")
    args = build_parser(("compare",)).parse_args(["compare", "--dataset", "rafdb", "--root", str(tmp_path)])
    with pytest.raises(SystemExit, match="--holdout FRACTION"):
        comparison_splits(args)


def test_compare_refuses_to_run_without_validation():
    args = build_parser(("compare",)).parse_args(["compare", "--synthetic-n", "120", "--val-fraction", "0"])
    with pytest.raises(SystemExit, match="--val-fraction must be above 0"):
        comparison_splits(args)


@pytest.mark.parametrize("epochs", [None, 120])
def test_the_shipped_rafdb_comparisons_are_complete_beside_the_paper_and_agree_with_their_matrices(epochs):
    table, per_class, report = measured_comparison("rafdb", epochs)
    assert list(table.index) == list(MODEL_NAMES) and report["protocol"]["epochs"] == (epochs or 8)
    assert table.loc["gimefive", "parameters"] == 10_478_086 and table.loc["vgg", "parameters"] == 72_460_742
    assert table.loc["gimefive", "paper_test"] == pytest.approx(0.865)
    assert np.isnan(table.loc["gimefive_se", "paper_test"])  # the paper scores GiMeFive+SE in no table
    assert (table["test_ci_low"] <= table["test_acc"]).all() and (table["test_acc"] <= table["test_ci_high"]).all()
    assert list(per_class.columns) == list(EMOTIONS)
    for name, matrix in report["confusion_matrices"].items():
        matrix = np.asarray(matrix)
        assert matrix.sum() == report["n"]["test"]
        assert np.trace(matrix) / matrix.sum() == pytest.approx(table.loc[name, "test_acc"])
        assert np.diag(matrix) / matrix.sum(1) == pytest.approx(per_class.loc[name, list(EMOTIONS)].to_numpy(float))


def test_a_comparison_not_measured_names_the_command_that_measures_it(tmp_path, monkeypatch):
    monkeypatch.setattr("gimefive_lib.evaluation.comparison.MEASURED_DIR", tmp_path / "measured")
    with pytest.raises(FileNotFoundError, match="gimefive_lib compare --dataset fer2013"):
        measured_comparison("fer2013")
    with pytest.raises(FileNotFoundError, match="--dataset rafdb --root DATA --epochs 24 --table"):
        measured_comparison("rafdb", epochs=24)


def test_the_shipped_rafdb_comparisons_after_8_24_and_120_epochs_share_their_test_faces():
    table = accuracy_by_budget("rafdb")
    assert list(table.columns) == ["test_acc, 8 epochs", "test_acc, 24 epochs", "test_acc, 120 epochs", "paper_test"]
    assert table["test_acc, 8 epochs"].notna().all() and table["test_acc, 120 epochs"].notna().all()
    assert set(table.index[table["test_acc, 24 epochs"].notna()]) == {"gimefive", "resnet18"}


def test_comparisons_on_different_test_faces_are_not_put_side_by_side(tmp_path, monkeypatch):
    monkeypatch.setattr("gimefive_lib.evaluation.comparison.MEASURED_DIR", tmp_path / "measured")
    for epochs, n_test in ((None, 100), (24, 120)):
        path = measured_comparison_path("rafdb", epochs)
        path.parent.mkdir(exist_ok=True)
        pd.DataFrame({"model": ["gimefive"], "test_acc": [0.8]}).to_csv(path, index=False)
        report = {"test_split": "rafdb-train-holdout", "n": {"test": n_test}, "protocol": {"epochs": epochs or 8},
                  "per_class_accuracy": {}}
        path.with_suffix(".json").write_text(json.dumps(report))
    with pytest.raises(ValueError, match="tested on different faces"):
        accuracy_by_budget("rafdb", (None, 24))


def test_compare_trains_every_model_by_default():
    args = build_parser(("compare",)).parse_args(["compare"])
    assert args.models == list(MODEL_NAMES)
