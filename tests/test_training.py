"""Trainer: augmentation, atomic checkpoints, history, early stopping, resume after a kill, and torchrun DDP."""

from __future__ import annotations

import csv
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from torch.optim.optimizer import register_optimizer_step_post_hook

from gimefive_lib.files import link_atomic
from gimefive_lib.settings import Settings
from gimefive_lib.training.augment import AugmentConfig, augment_batch
from gimefive_lib.training.checkpoint import load_model, read_checkpoint, run_finished, save_atomic
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.recipes import exercise_run
from gimefive_lib.training.trainer import Trainer

CLI = [sys.executable, "-m", "gimefive_lib"]
SMALL_RUN = ["--dataset", "synthetic", "--synthetic-n", "600", "--model", "gimefive_baseline", "--device", "cpu",
             "--batch-size", "32", "--no-progress"]


def small_config(tmp_path: Path, **overrides) -> TrainConfig:
    values = dict(model="gimefive_baseline", epochs=2, batch_size=32, device="cpu", out_dir=str(tmp_path / "run"),
                  progress=False)
    return TrainConfig(**{**values, **overrides})


def test_flip_only_augmentation_mirrors_or_keeps_each_face():
    x = torch.rand(16, 1, 8, 8)
    out = augment_batch(x, AugmentConfig.paper(), torch.Generator().manual_seed(0))
    for original, augmented in zip(x, out, strict=True):
        assert torch.allclose(augmented, original, atol=1e-5) or torch.allclose(augmented, original.flip(-1), atol=1e-5)
    assert not torch.allclose(out, x)  # with 16 faces, some were flipped


def test_augmentation_is_reproducible_from_its_generator_and_stays_in_range():
    x = torch.rand(8, 1, 64, 64)
    a = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(3))
    b = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and a.shape == x.shape
    assert a.min() >= 0 and a.max() <= 1


def test_atomic_save_keeps_the_old_file_when_writing_fails(tmp_path):
    path = save_atomic({"value": 1}, tmp_path / "state.pt")
    with pytest.raises((AttributeError, TypeError, pickle.PicklingError)):
        save_atomic({"value": lambda: None}, path)  # lambdas cannot be pickled
    assert torch.load(path)["value"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["state.pt"]


def test_fit_writes_checkpoints_and_history(tmp_path, tiny_split):
    train, val = tiny_split
    history = Trainer(small_config(tmp_path)).fit(train, val)
    assert [row["epoch"] for row in history] == [1, 2]
    rows = list(csv.DictReader((tmp_path / "run" / "history.csv").open()))
    assert len(rows) == 2 and 0.0 <= float(rows[-1]["val_accuracy"]) <= 1.0
    model, state = load_model(tmp_path / "run" / "best.pt", expect="gimefive_baseline")
    assert state["epoch"] in (1, 2) and not model.training
    with pytest.raises(ValueError, match="not the 'gimefive' needed"):
        load_model(tmp_path / "run" / "best.pt", expect="gimefive")


def test_early_stopping_ends_the_run(tmp_path, tiny_split):
    train, val = tiny_split
    # lr 0 cannot improve on the first epoch's validation accuracy: patience 1 stops after epoch 2.
    history = Trainer(small_config(tmp_path, epochs=6, lr=0.0, patience=1, schedule="constant")).fit(train, val)
    assert len(history) == 2


def test_resume_refuses_changed_settings(tmp_path, tiny_split):
    train, val = tiny_split
    Trainer(small_config(tmp_path, epochs=1)).fit(train, val)
    with pytest.raises(ValueError, match="epochs"):
        Trainer(small_config(tmp_path, epochs=3)).fit(train, val, resume=True)


def test_a_run_started_from_a_checkpoint_begins_with_its_weights(tmp_path, tiny_split):
    train, val = tiny_split
    Trainer(small_config(tmp_path, epochs=1)).fit(train, val)
    pretrained_path = str(tmp_path / "run" / "last.pt")
    pretrained = read_checkpoint(pretrained_path)["model"]
    fine_tune = Trainer(small_config(tmp_path, out_dir=str(tmp_path / "fine"), init_from=pretrained_path))
    started = fine_tune.model.state_dict()
    assert all(torch.equal(started[k].float(), v.float()) for k, v in pretrained.items())
    scratch = Trainer(small_config(tmp_path, out_dir=str(tmp_path / "scratch"))).model.state_dict()
    first_conv = "features.block1.0.weight"
    assert not torch.equal(scratch[first_conv], started[first_conv])  # the check above could fail
    fine_tune.fit(train, val)
    assert read_checkpoint(tmp_path / "fine" / "last.pt")["config"]["init_from"].endswith("last.pt")


def test_a_run_refuses_to_start_from_another_architecture(tmp_path, tiny_split):
    train, val = tiny_split
    Trainer(small_config(tmp_path, epochs=1)).fit(train, val)
    with pytest.raises(ValueError, match="not the 'gimefive' needed"):
        Trainer(small_config(tmp_path, model="gimefive", init_from=str(tmp_path / "run" / "last.pt")))


def test_a_refit_without_validation_keeps_its_last_epoch(tmp_path, tiny_split):
    train, _ = tiny_split
    history = Trainer(small_config(tmp_path)).fit(train, None)
    assert [row["val_accuracy"] for row in history] == [None, None]
    rows = list(csv.DictReader((tmp_path / "run" / "history.csv").open()))
    assert [row["val_accuracy"] for row in rows] == ["", ""]
    best, last = read_checkpoint(tmp_path / "run" / "best.pt"), read_checkpoint(tmp_path / "run" / "last.pt")
    assert best["epoch"] == last["epoch"] == 2
    assert all(torch.equal(best["model"][k], v) for k, v in last["model"].items())
    assert best["faces"] == {"train": len(train), "val": 0}
    assert (tmp_path / "run" / "last.pt").samefile(tmp_path / "run" / "best.pt")  # a refit's last epoch is its result


def test_early_stopping_without_validation_is_refused(tmp_path, tiny_split):
    with pytest.raises(ValueError, match="early stopping needs validation faces"):
        Trainer(small_config(tmp_path, patience=3)).fit(tiny_split[0], None)


def test_resume_refuses_other_data(tmp_path, tiny_split):
    train, val = tiny_split
    Trainer(small_config(tmp_path, epochs=2)).fit(train, val)
    with pytest.raises(ValueError, match=f"other data \\(faces: val {len(val)} -> 0\\)"):
        Trainer(small_config(tmp_path, epochs=2)).fit(train, None, resume=True)


class StopAfterEpoch(Exception):
    """Raised from ``on_epoch`` to end a run like a kill right after a checkpoint."""


def stop_after_first_epoch(row: dict) -> None:
    """An ``on_epoch`` hook that ends the run after epoch 1, as if it were killed there."""
    if row["epoch"] == 1:
        raise StopAfterEpoch


def test_swa_saves_the_average_of_the_epochs_weights_with_fresh_batch_norm_statistics(tmp_path, tiny_split):
    train, val = tiny_split
    config = small_config(tmp_path, epochs=3, swa=True, schedule="constant", lr=1e-3)
    trainer = Trainer(config)
    weight, running_mean = "features.block1.0.weight", "features.block1.1.running_mean"
    initial_running_mean = trainer.model.state_dict()[running_mean].clone()
    snapshots = []
    trainer.on_epoch = lambda row: snapshots.append(trainer.model.state_dict()[weight].clone())
    trainer.fit(train, val)
    state = read_checkpoint(tmp_path / "run" / "last.pt")
    torch.testing.assert_close(state["model"][weight], torch.stack(snapshots).mean(0))
    assert torch.equal(state["trained_model"][weight], snapshots[-1])
    assert not torch.allclose(state["model"][running_mean], initial_running_mean)  # recomputed, not copied
    model, _ = load_model(tmp_path / "run" / "best.pt", expect="gimefive_baseline")
    assert not model.training


def test_ema_saves_the_moving_average_of_every_steps_weights(tmp_path, tiny_split):
    train, val = tiny_split
    decay = 0.7
    trainer = Trainer(small_config(tmp_path, epochs=1, ema=decay, schedule="constant", lr=1e-3))
    weight = "features.block1.0.weight"
    steps = []
    hook = register_optimizer_step_post_hook(lambda *_: steps.append(trainer.model.state_dict()[weight].clone()))
    try:
        trainer.fit(train, val)
    finally:
        hook.remove()
    expected = steps[0]
    for step in steps[1:]:
        expected = decay * expected + (1 - decay) * step
    state = read_checkpoint(tmp_path / "run" / "last.pt")
    assert len(steps) > 2
    torch.testing.assert_close(state["model"][weight], expected)
    assert torch.equal(state["trained_model"][weight], steps[-1])


@pytest.mark.parametrize("averaging", [{"swa": True}, {"ema": 0.9}], ids=["swa", "ema"])
def test_an_interrupted_weight_averaging_run_resumes_with_its_average(tmp_path, tiny_split, averaging):
    train, val = tiny_split
    config = small_config(tmp_path, epochs=3, schedule="constant", lr=1e-3, **averaging)
    whole = Trainer(config)
    whole.fit(train, val)
    expected = read_checkpoint(tmp_path / "run" / "last.pt")["model"]
    interrupted_config = small_config(tmp_path, epochs=3, schedule="constant", lr=1e-3,
                                      out_dir=str(tmp_path / "interrupted"), **averaging)

    with pytest.raises(StopAfterEpoch):
        Trainer(interrupted_config, on_epoch=stop_after_first_epoch).fit(train, val)
    history = Trainer(interrupted_config).fit(train, val, resume=True)
    assert [row["epoch"] for row in history] == [1, 2, 3]
    resumed = read_checkpoint(tmp_path / "interrupted" / "last.pt")["model"]
    for name, value in expected.items():
        torch.testing.assert_close(resumed[name].float(), value.float(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("averaging", "message"), [({"swa": True, "ema": 0.9}, "either swa or ema"), ({"ema": 1.0}, "must lie in")]
)
def test_contradictory_or_invalid_weight_averaging_is_refused(tmp_path, tiny_split, averaging, message):
    with pytest.raises(ValueError, match=message):
        Trainer(small_config(tmp_path, **averaging)).fit(*tiny_split)


@pytest.mark.slow
def test_a_run_killed_mid_epoch_resumes_where_it_stopped(tmp_path):
    out = tmp_path / "run"
    command = CLI + ["train", *SMALL_RUN, "--epochs", "4", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while not (out / "last.pt").exists():
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "no checkpoint after 240 s"
        time.sleep(0.2)
    time.sleep(0.3)  # now inside epoch 2
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = read_checkpoint(out / "last.pt")["epoch"]
    assert 1 <= killed_at < 4
    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed from {out / 'last.pt'} after epoch {killed_at}" in resumed.stdout
    state = read_checkpoint(out / "last.pt")
    assert [row["epoch"] for row in state["history"]] == [1, 2, 3, 4]
    assert not list(out.glob("*.tmp"))


@pytest.mark.slow
def test_torchrun_trains_with_two_cpu_processes(tmp_path):
    out = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m",
               "gimefive_lib", "train", *SMALL_RUN, "--synthetic-n", "240", "--epochs", "1", "--out", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    state = read_checkpoint(out / "last.pt")
    assert state["epoch"] == 1 and len(state["history"]) == 1
    assert result.stdout.count("train / ") == 1  # only rank 0 prints


def test_export_halves_the_weights_and_loads_back_as_the_same_model(tmp_path, tiny_split):
    from gimefive_lib.cli import main

    train, val = tiny_split
    Trainer(small_config(tmp_path, epochs=1)).fit(train, val)
    exported = tmp_path / "shipped.pt"
    assert main(["export", "--checkpoint", str(tmp_path / "run" / "best.pt"), "--output", str(exported)]) == 0
    state = read_checkpoint(exported)
    assert "optimizer" not in state and state["model_name"] == "gimefive_baseline"
    assert all(v.dtype == torch.float16 for v in state["model"].values() if v.is_floating_point())
    model, _ = load_model(exported)
    assert next(model.parameters()).dtype == torch.float32


def test_load_or_train_keeps_a_run_with_other_settings_and_trains_anew(tmp_path, tiny_split):
    from gimefive_lib.training.recipes import load_or_train

    train, val = tiny_split
    load_or_train(small_config(tmp_path, epochs=1), train, val)
    _, history = load_or_train(small_config(tmp_path, epochs=1), train, val)  # same settings: loaded, not retrained
    assert len(history) == 1 and not list(tmp_path.glob("run.stale-*"))
    load_or_train(small_config(tmp_path, epochs=2), train, val)
    stale = list(tmp_path.glob("run.stale-*"))
    assert len(stale) == 1 and (stale[0] / "best.pt").is_file()
    assert read_checkpoint(tmp_path / "run" / "best.pt")["config"]["epochs"] == 2


def test_load_or_train_resumes_an_interrupted_run_instead_of_loading_its_best_epoch(tmp_path, tiny_split):
    from gimefive_lib.training.recipes import load_or_train

    train, val = tiny_split
    config = small_config(tmp_path, epochs=3)

    with pytest.raises(StopAfterEpoch):
        Trainer(config, on_epoch=stop_after_first_epoch).fit(train, val)
    assert (tmp_path / "run" / "best.pt").is_file() and not run_finished(tmp_path / "run")
    load_or_train(config, train, val)
    last = read_checkpoint(tmp_path / "run" / "last.pt")
    assert [row["epoch"] for row in last["history"]] == [1, 2, 3] and run_finished(tmp_path / "run")
    assert not list(tmp_path.glob("run.stale-*"))


def test_load_or_train_returns_every_epoch_trained_not_only_those_up_to_the_kept_one(tmp_path, tiny_split):
    from gimefive_lib.training.recipes import load_or_train

    train, val = tiny_split
    config = small_config(tmp_path, epochs=3, lr=0.0)  # the weights never change: epoch 1 stays the best one
    _, trained = load_or_train(config, train, val)
    _, loaded = load_or_train(config, train, val)
    assert read_checkpoint(tmp_path / "run" / "best.pt")["epoch"] == 1
    assert [row["epoch"] for row in trained] == [row["epoch"] for row in loaded] == [1, 2, 3]


@pytest.mark.parametrize(
    ("epoch", "bad_epochs", "patience", "finished"),
    [(3, 0, 0, True), (2, 0, 0, False), (2, 1, 1, True), (2, 1, 2, False)],
)
def test_a_run_is_finished_after_its_last_epoch_or_an_early_stop(tmp_path, epoch, bad_epochs, patience, finished):
    state = {"model": {}, "model_name": "gimefive", "config": {"epochs": 3, "patience": patience},
             "epoch": epoch, "bad_epochs": bad_epochs}
    save_atomic(state, tmp_path / "run" / "last.pt")
    assert run_finished(tmp_path / "run") is finished
    assert not run_finished(tmp_path / "missing")


@pytest.mark.parametrize(
    ("environ", "epochs", "moves"),
    [({"GIMEFIVE_LONG": "1"}, None, True), ({"GIMEFIVE_LONG": "1"}, 4, False), ({}, None, False),
     ({"GIMEFIVE_FAST": "1"}, None, False), ({"GIMEFIVE_DATA": "d"}, None, True)],
)
def test_synthetic_faces_are_moved_only_when_the_run_is_long_enough_to_learn_them(environ, epochs, moves):
    from gimefive_lib.settings import get_settings
    from gimefive_lib.training.recipes import notebook_config

    config = notebook_config(get_settings(environ), epochs=epochs)
    assert (config.augment.shift > 0 and config.augment.scale > 0) == moves
    assert config.epochs == epochs or epochs is None


def test_an_exercise_run_is_a_short_smoke_test_in_fast_mode_and_loads_when_finished(tmp_path, tiny_split):
    train, val = tiny_split
    config, fast = small_config(tmp_path, epochs=5), Settings(fast=True)
    run = exercise_run(config, train, val, fast)
    assert [row["epoch"] for row in run.history] == [1, 2, 3]
    saved = read_checkpoint(run.out_dir / "last.pt")
    assert run.out_dir == tmp_path / "run-exercise" and saved["faces"] == {
        "train": len(range(0, len(train), 2)), "val": len(range(0, len(val), 2))}
    assert config.flip_tta and saved["config"]["flip_tta"] is False  # no flip averaging in a smoke run
    again = exercise_run(config, train, val, fast, on_epoch=lambda row: pytest.fail("a finished run trained again"))
    assert again.history == run.history


def test_only_an_unfinished_run_keeps_the_optimiser_state_on_disk(tmp_path, tiny_split):
    train, val = tiny_split
    last_path = tmp_path / "run" / "last.pt"
    with pytest.raises(StopAfterEpoch):
        Trainer(small_config(tmp_path, optimizer="adamw"), on_epoch=stop_after_first_epoch).fit(train, val)
    unfinished, best = read_checkpoint(last_path), read_checkpoint(tmp_path / "run" / "best.pt")
    unfinished_bytes = last_path.stat().st_size
    assert {"optimizer", "scheduler", "rng"} <= set(unfinished) and "optimizer" not in best
    Trainer(small_config(tmp_path, optimizer="adamw")).fit(train, val, resume=True)
    finished = read_checkpoint(last_path)
    assert finished["epoch"] == 2 and not {"optimizer", "scheduler", "scaler", "rng", "averaged"} & set(finished)
    assert run_finished(tmp_path / "run")
    weight_bytes = sum(v.numel() * v.element_size() for v in finished["model"].values())
    last_was_best = finished["best_val_accuracy"] == finished["history"][-1]["val_accuracy"]
    assert last_path.samefile(tmp_path / "run" / "best.pt") == last_was_best  # one file exactly when they agree
    assert unfinished_bytes > 2.5 * weight_bytes and last_path.stat().st_size < 1.2 * weight_bytes  # AdamW: 2 moments


def test_resuming_a_finished_run_trains_nothing_and_says_so(tmp_path, tiny_split, capsys):
    train, val = tiny_split
    history = Trainer(small_config(tmp_path)).fit(train, val)
    before = (tmp_path / "run" / "last.pt").read_bytes()
    again = Trainer(small_config(tmp_path), on_epoch=lambda row: pytest.fail("trained again")).fit(
        train, val, resume=True)
    assert again == history and (tmp_path / "run" / "last.pt").read_bytes() == before
    assert "the run already finished after epoch 2" in capsys.readouterr().out


def test_a_hard_link_replaces_its_target_atomically_and_a_copy_stands_in_without_links(tmp_path, monkeypatch):
    source = save_atomic({"value": 1}, tmp_path / "best.pt")
    target = save_atomic({"value": 2}, tmp_path / "last.pt")
    link_atomic(source, target)
    assert target.samefile(source) and torch.load(target)["value"] == 1
    save_atomic({"value": 3}, source)  # a later save replaces best.pt, never the file last.pt points at
    assert torch.load(target)["value"] == 1

    def no_links(*_):
        raise OSError("hard links are not supported")

    monkeypatch.setattr("os.link", no_links)
    link_atomic(source, target)
    assert not target.samefile(source) and torch.load(target)["value"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt", "last.pt"]
