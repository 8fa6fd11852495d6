"""``evaluate`` prints one JSON report and works on a RAF-DB folder whose label file has only a test split."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gimefive_lib.cli import main
from gimefive_lib.models import build_model
from gimefive_lib.training.checkpoint import save_atomic


def test_evaluate_json_on_a_test_only_rafdb_folder(tmp_path, tiny_faces, write_rafdb_split, capsys):
    root = tmp_path / "RAF-DB" / "basic"
    faces = tiny_faces.subset(np.arange(0, 240, 8))
    write_rafdb_split(root, faces, "test")
    checkpoint = save_atomic({"model_name": "gimefive", "model": build_model("gimefive").state_dict()},
                             tmp_path / "model.pt")
    code = main(["evaluate", "--checkpoint", str(checkpoint), "--dataset", "rafdb", "--root", str(tmp_path),
                 "--split", "test", "--json", "--no-cache"])
    assert code == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["n"] == len(faces) == 30
    assert set(report) >= {"accuracy", "per_class_accuracy", "macro_f1", "confusion_matrix", "n"}
    assert np.asarray(report["confusion_matrix"]).sum() == 30
    assert 0.0 <= report["accuracy"] <= 1.0


def test_evaluate_refuses_a_file_that_is_not_a_checkpoint(tmp_path, capsys):
    bogus = tmp_path / "weights.pt"
    torch.save({"state": 1}, bogus)
    with pytest.raises(SystemExit, match=r"weights\.pt: not a gimefive_lib checkpoint"):
        main(["evaluate", "--checkpoint", str(bogus), "--dataset", "synthetic", "--synthetic-n", "60"])


def test_evaluate_on_the_held_out_validation_faces_against_a_second_checkpoint(tmp_path, capsys):
    from gimefive_lib.data.splits import train_val_split
    from gimefive_lib.data.synthetic.render import synthetic_splits
    from gimefive_lib.settings import get_settings

    torch.manual_seed(0)
    a = save_atomic({"model_name": "gimefive_baseline", "model": build_model("gimefive_baseline").state_dict()},
                    tmp_path / "a.pt")
    b = save_atomic({"model_name": "gimefive_baseline", "model": build_model("gimefive_baseline").state_dict()},
                    tmp_path / "b.pt")
    code = main(["evaluate", "--checkpoint", str(a), "--dataset", "synthetic", "--synthetic-n", "300", "--split",
                 "val", "--val-fraction", "0.2", "--against", str(b), "--json", "--device", "cpu"])
    assert code == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    train, _ = synthetic_splits(300, 60, seed=get_settings().seed)
    _, val = train_val_split(train, 0.2, seed=0)
    assert report["n"] == len(val) == 60
    low, high = report["accuracy_ci95"]
    assert low <= report["accuracy"] <= high
    # synthetic faces: how its errors compare with the shipped model's on RAF-DB validation faces
    assert "error_correlation_rafdb" in report
    r = report["error_correlation_rafdb"]
    assert r != r or -1.0 <= r <= 1.0  # NaN only for a model without errors
    mcnemar = report["against"]["mcnemar"]
    assert 0.0 <= mcnemar["p_value"] <= 1.0
    # the faces only one checkpoint gets right account for the difference between the two accuracies
    assert mcnemar["a_only"] - mcnemar["b_only"] == round((report["accuracy"] - report["against"]["accuracy"]) * 60)


def test_a_refitted_checkpoint_has_no_validation_faces_to_evaluate_on(tmp_path, capsys):
    out = tmp_path / "refit"
    small = ["--dataset", "synthetic", "--synthetic-n", "120", "--device", "cpu"]
    assert main(["train", *small, "--model", "gimefive_baseline", "--epochs", "1", "--val-fraction", "0",
                 "--no-progress", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "120 train / no validation" in printed and '"last_epoch": 1' in printed
    shipped = tmp_path / "shipped.pt"
    assert main(["export", "--checkpoint", str(out / "best.pt"), "--output", str(shipped)]) == 0
    for checkpoint in (out / "best.pt", shipped):  # the export keeps the face counts
        with pytest.raises(SystemExit, match="refitted on all train faces"):
            main(["evaluate", "--checkpoint", str(checkpoint), *small, "--split", "val"])
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(shipped), *small, "--split", "test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 60


def test_validation_faces_default_to_the_checkpoints_own_seed_and_a_mismatched_carve_is_refused(tmp_path, capsys):
    from gimefive_lib.data.splits import train_val_split
    from gimefive_lib.data.synthetic.render import synthetic_splits
    from gimefive_lib.settings import get_settings
    from gimefive_lib.training.checkpoint import held_out_validation, read_checkpoint

    out = tmp_path / "seed3"
    small = ["--dataset", "synthetic", "--synthetic-n", "120", "--device", "cpu"]
    assert main(["train", *small, "--model", "gimefive_baseline", "--epochs", "1", "--val-fraction", "0.25",
                 "--seed", "3", "--no-progress", "--out", str(out)]) == 0
    state = read_checkpoint(out / "best.pt")
    train, _ = synthetic_splits(120, 60, seed=get_settings().seed)
    val = held_out_validation(state, train, 0.25)
    assert list(val.sources) == list(train_val_split(train, 0.25, seed=3)[1].sources)
    assert list(val.sources) != list(train_val_split(train, 0.25, seed=0)[1].sources)
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(out / "best.pt"), *small, "--split", "val", "--val-fraction",
                 "0.25", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 30
    with pytest.raises(SystemExit, match="not the faces it held out"):  # the CLI default is 0.1, this run had 0.25
        main(["evaluate", "--checkpoint", str(out / "best.pt"), *small, "--split", "val"])


def test_mcnemar_on_validation_faces_refuses_a_checkpoint_that_trained_on_them(tmp_path):
    state = build_model("gimefive_baseline").state_dict()
    a = save_atomic({"model_name": "gimefive_baseline", "model": state, "config": {"seed": 0}}, tmp_path / "a.pt")
    b = save_atomic({"model_name": "gimefive_baseline", "model": state, "config": {"seed": 1}}, tmp_path / "b.pt")
    small = ["--dataset", "synthetic", "--synthetic-n", "120", "--device", "cpu", "--against", str(b)]
    with pytest.raises(SystemExit, match="trained with seed 1, these faces were carved with seed 0"):
        main(["evaluate", "--checkpoint", str(a), *small, "--split", "val"])
    assert main(["evaluate", "--checkpoint", str(a), *small, "--split", "test", "--json"]) == 0  # unseen by both


@pytest.mark.parametrize(("faces", "why"), [({"train": 120, "val": 0}, "refitted on all train faces"),
                                            ({"train": 90, "val": 30}, "validated on 30 faces")])
def test_mcnemar_on_validation_faces_refuses_a_checkpoint_with_another_carve(tmp_path, faces, why):
    state = build_model("gimefive_baseline").state_dict()
    a = save_atomic({"model_name": "gimefive_baseline", "model": state, "config": {"seed": 0},
                     "faces": {"train": 108, "val": 12}}, tmp_path / "a.pt")
    b = save_atomic({"model_name": "gimefive_baseline", "model": state, "config": {"seed": 0}, "faces": faces},
                    tmp_path / "b.pt")
    small = ["--dataset", "synthetic", "--synthetic-n", "120", "--device", "cpu", "--split", "val"]
    with pytest.raises(SystemExit, match=f"b.pt did not hold out these validation faces .*{why}"):
        main(["evaluate", "--checkpoint", str(a), *small, "--against", str(b)])
    assert main(["evaluate", "--checkpoint", str(a), *small, "--json"]) == 0  # a alone: its own 12 faces
