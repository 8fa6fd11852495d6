"""Notebook 03's comparison by mode: class mode shows the committed long-budget measurement, long mode trains it and
writes the table that class mode then shows, and a measurement of other faces is never shown."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from gimefive_lib.data.splits import DatasetSplits
from gimefive_lib.evaluation import comparison_by_mode as lesson
from gimefive_lib.evaluation.comparison import measured_comparison_path
from gimefive_lib.models import MODEL_NAMES
from gimefive_lib.settings import Settings

MODELS = ["gimefive", "gimefive_baseline"]


def _no_training(*args, **kwargs):
    raise AssertionError("class mode trained although a measurement was committed")


@pytest.fixture
def tiny_data(tiny_faces, tiny_split) -> DatasetSplits:
    train, val = tiny_split
    return DatasetSplits(train, val, tiny_faces.subset(range(0, 240, 4)))


def test_class_mode_shows_the_committed_long_budget_comparison_of_every_model(tmp_path, tiny_data, monkeypatch):
    monkeypatch.setattr(lesson, "train_and_evaluate", _no_training)
    comparison = lesson.lesson_comparison(list(MODEL_NAMES), tiny_data, Settings(runs_dir=tmp_path))
    assert list(comparison.table.index) == list(MODEL_NAMES)
    assert comparison.report["protocol"]["epochs"] == lesson.MEASURED_EPOCHS == 4
    assert comparison.report["n"] == {"train": 5100, "val": 900, "test": 1200}
    assert "GIMEFIVE_LONG=1" in comparison.source and "03_baseline_comparison_synthetic_4epochs" in comparison.source
    for name, matrix in comparison.confusion_matrices.items():
        matrix = np.asarray(matrix)
        assert matrix.sum() == 1200 and np.trace(matrix) / 1200 == pytest.approx(comparison.table.loc[name, "test_acc"])
        assert np.diag(matrix) / matrix.sum(1) == pytest.approx(comparison.per_class.loc[name].to_numpy(float))
    assert "paper_test" not in comparison.table  # the paper scored no synthetic faces


def test_long_mode_writes_the_table_that_class_mode_shows_once_it_ships(tmp_path, tiny_data, monkeypatch):
    # the package's folder of measured tables, here the folder long mode writes into (as if copied there)
    monkeypatch.setattr("gimefive_lib.evaluation.comparison.MEASURED_DIR", tmp_path / "figures")
    monkeypatch.setattr(lesson, "comparison_budget", lambda settings: (1, 2))
    long = Settings(runs_dir=tmp_path / "runs", figures_dir=tmp_path / "figures", long=True, device="cpu")
    trained = lesson.lesson_comparison(MODELS, tiny_data, long)
    written = measured_comparison_path("synthetic", 4)
    assert written.parent == tmp_path / "figures" and str(written) in trained.source
    assert trained.report["n"]["train"] == 90 and set(trained.report["train_minutes"]) == set(MODELS)

    monkeypatch.setattr(lesson, "train_and_evaluate", _no_training)
    shown = lesson.lesson_comparison(MODELS, tiny_data, replace(long, long=False))
    assert shown.table["test_acc"].tolist() == pytest.approx(trained.table["test_acc"].tolist())
    assert shown.confusion_matrices == trained.confusion_matrices and "GIMEFIVE_LONG=1" in shown.source
    assert list(lesson.lesson_comparison(["gimefive_baseline"], tiny_data, replace(long, long=False)).table.index) == [
        "gimefive_baseline"
    ]


def test_a_measurement_of_other_faces_is_not_shown_class_mode_trains_instead(tmp_path, tiny_data, monkeypatch,
                                                                             capsys):
    monkeypatch.setattr("gimefive_lib.evaluation.comparison.MEASURED_DIR", tmp_path / "figures")
    monkeypatch.setattr(lesson, "comparison_budget", lambda settings: (1, 2))
    long = Settings(runs_dir=tmp_path / "runs", figures_dir=tmp_path / "figures", long=True, device="cpu")
    lesson.lesson_comparison(MODELS, tiny_data, long)
    report_path = measured_comparison_path("synthetic", 4).with_suffix(".json")
    report = json.loads(report_path.read_text())
    report_path.write_text(json.dumps({**report, "data": {**report["data"], "generator": "an older one"}}))
    capsys.readouterr()
    retrained = lesson.lesson_comparison(MODELS, tiny_data, replace(long, long=False))
    assert "no committed long-budget comparison for these faces" in capsys.readouterr().out
    assert retrained.source.startswith("trained in") and "comparison-synthetic-class" in retrained.source
