"""Ready models for the notebooks: load a saved checkpoint when there is one, train only otherwise."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from torch import nn

from gimefive_lib.data import DatasetSplits
from gimefive_lib.data.configured import synthetic_data, synthetic_recipe
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.devices import select_device
from gimefive_lib.settings import SHIPPED_SYNTHETIC, Settings, get_settings
from gimefive_lib.training.augment import AugmentConfig
from gimefive_lib.training.checkpoint import export_weights, load_model, read_checkpoint, run_finished
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.trainer import Trainer, changed_settings


def load_or_train(config: TrainConfig, train: FaceSet, val: FaceSet) -> tuple[nn.Module, list[dict]]:
    """The model in ``config.out_dir/best.pt`` if its run finished, else train it first; returns ``(model, history)``,
    the history of every epoch trained, also those after the one kept (so its seconds are the run's training time).

    An unfinished run (interrupted, e.g. by a cell timeout) is resumed from its ``last.pt``. A folder whose model
    was trained with other settings (e.g. by an older version of the suite) is kept, renamed
    ``<folder>.stale-<time>``, and the model is trained anew.
    """
    out = Path(config.out_dir)
    best = out / "best.pt"
    device = select_device(config.device)
    if best.exists():
        model, state = load_model(best, device)
        changed = changed_settings(state.get("config", {}), config)
        if changed:
            stale = out.with_name(f"{out.name}.stale-{time.strftime('%Y%m%d-%H%M%S')}")
            out.rename(stale)
            print(f"{out} was trained with other settings ({', '.join(changed)}); moved to {stale}, training anew")
        elif run_finished(out):  # so last.pt is there; its history runs past the epoch best.pt kept
            return model, read_checkpoint(out / "last.pt", mmap=True)["history"]
        else:
            print(f"{out} holds an unfinished run; resuming it")
    history = Trainer(config).fit(train, val, resume=True)
    model, _ = load_model(best, device)
    return model, history


# Fewer epochs than this on the full synthetic set train on flips only: moved faces take ~6 epochs to learn.
MIN_EPOCHS_FOR_MOVES = 10
# Epochs on the synthetic faces by mode: fast (CI, 1,200 faces), class (a lesson's live run), long (the full budget).
SYNTHETIC_EPOCHS = {"fast": 10, "class": 3, "long": 15}
REAL_EPOCHS = {"fast": 2, "class": 3, "long": 40}
# Notebook 03's live comparison per mode: epochs per model and the stride that thins the train faces.
COMPARISON_BUDGET = {"fast": (2, 2), "class": (2, 5), "long": (4, 1)}
# An exercise's own training run outside long mode: at most this many epochs, on every n-th train and validation face.
EXERCISE_BUDGET = {"fast": (3, 2), "class": (2, 5)}


def _flip_tta(settings: Settings) -> bool:
    """Whether a notebook run validates each face averaged with its mirror image: it doubles every epoch's check,
    so long runs only."""
    return settings.mode == "long"


def _run_name(settings: Settings, what: str) -> str:
    """A run folder per mode, so that a class-mode run never stands in for a long one."""
    return what + {"fast": "-fast", "class": "-class", "long": ""}[settings.mode]


def synthetic_config(
    settings: Settings | None = None, model: str = "gimefive", epochs: int | None = None
) -> TrainConfig:
    """The training settings used for models on the synthetic faces (15 epochs long, 3 in class mode, 10 fast)."""
    settings = settings or get_settings()
    # The classes differ only by small action-unit movements. With lr 1e-3, or with random erasing (which hides
    # them), the model stayed at chance for epochs; at lr 3e-4 with flips only it passes 60 % validation accuracy
    # within 200 steps of batch 32, enough even for the fast-mode set. Flips alone let every class's block5 map
    # settle on one fixed cell (a template, often at the border: pointing game 0.17); shifting and scaling the
    # faces by up to 16 % / 15 % makes the maps follow the evidence (0.49 after 8 epochs, bench/
    # pointing_during_training.py) but needs ~6 epochs of the full set to learn, more than fast mode has.
    epochs = epochs or SYNTHETIC_EPOCHS[settings.mode]
    augment = AugmentConfig.paper()
    if not settings.fast and epochs >= MIN_EPOCHS_FOR_MOVES:
        augment = replace(augment, shift=0.16, scale=0.15)
    out = settings.runs_dir / _run_name(settings, f"synthetic-{model}")
    return TrainConfig(
        model=model,
        epochs=epochs,
        batch_size=32,
        lr=3e-4,
        augment=augment,
        seed=settings.seed,
        device=settings.device,
        out_dir=str(out),
        flip_tta=_flip_tta(settings),
    )


def notebook_config(
    settings: Settings | None = None, model: str = "gimefive", epochs: int | None = None
) -> TrainConfig:
    """Training settings for the notebooks' data: the synthetic config, or 40 epochs (3 in class mode, 2 fast) on
    real data."""
    settings = settings or get_settings()
    if not settings.uses_real_data:
        return synthetic_config(settings, model, epochs)
    out = settings.runs_dir / _run_name(settings, f"{settings.dataset}-{model}")
    epochs = epochs or REAL_EPOCHS[settings.mode]
    return TrainConfig(model=model, epochs=epochs, seed=settings.seed, device=settings.device, out_dir=str(out),
                       flip_tta=_flip_tta(settings))


def comparison_budget(settings: Settings | None = None) -> tuple[int, int]:
    """Notebook 03's live comparison: epochs per model, and keep every n-th train face (class mode: 2 epochs on a
    fifth of the faces, about 4 minutes for six models: 1 epoch on a third took a quarter less time, but GiMeFive
    reached 0.22 validation accuracy instead of 0.30; long: 4 epochs on all of them, about 35 minutes on 2 CPU
    cores)."""
    return COMPARISON_BUDGET[(settings or get_settings()).mode]


def shipped_synthetic_model(settings: Settings | None = None) -> nn.Module | None:
    """The shipped GiMeFive trained on the synthetic default with the long budget, in eval mode; None when it is
    missing or was trained on other synthetic faces (another generator, style, size or seed) than these settings'."""
    settings = settings or get_settings()
    if not SHIPPED_SYNTHETIC.is_file():
        return None
    state = read_checkpoint(SHIPPED_SYNTHETIC, mmap=True)
    if state.get("data") != synthetic_recipe(replace(settings, fast=False)):
        return None
    return load_model(SHIPPED_SYNTHETIC, select_device(settings.device), expect="gimefive")[0]


def synthetic_model(
    settings: Settings | None = None, model: str = "gimefive", data: DatasetSplits | None = None
) -> tuple[nn.Module, DatasetSplits]:
    """A model trained on the synthetic faces and the data it was trained on (``data``: those splits, already made).
    In class mode GiMeFive is the shipped long-budget model (when it matches the faces); otherwise the mode's model
    is trained once, then loaded."""
    settings = settings or get_settings()
    data = data or synthetic_data(settings)
    shipped = shipped_synthetic_model(settings) if settings.mode == "class" and model == "gimefive" else None
    if shipped is not None:
        return shipped, data
    trained, _ = load_or_train(synthetic_config(settings, model), data.train, data.val)
    return trained, data


def export_synthetic_model(settings: Settings | None = None, output: Path = SHIPPED_SYNTHETIC) -> Path:
    """Train (or resume, or load) GiMeFive on the synthetic default with the long budget and export it as fp16 weights
    with the recipe of its faces, where class mode finds it: what ``export --synthetic-default`` does."""
    settings = replace(settings or get_settings(), fast=False, long=True)
    data = synthetic_data(settings)
    config = synthetic_config(settings)
    load_or_train(config, data.train, data.val)
    note = "GiMeFive trained on the suite's synthetic default faces (long budget); see weights/MODEL_CARD.md"
    extra = {"data": synthetic_recipe(settings), "note": note}
    return export_weights(Path(config.out_dir) / "best.pt", output, extra=extra)


def shipped_model(settings: Settings | None = None) -> nn.Module:
    """GiMeFive trained on RAF-DB (the shipped checkpoint, or ``GIMEFIVE_CHECKPOINT``), in eval mode."""
    settings = settings or get_settings()
    model, _ = load_model(settings.checkpoint, select_device(settings.device), expect="gimefive")
    return model


def exercise_run(
    config: TrainConfig, train: FaceSet, val: FaceSet | None, settings: Settings | None = None, on_epoch=None
) -> Trainer:
    """Train (or resume, or just load) an exercise's run of ``config``; returns the Trainer (``history``, ``out_dir``).

    Outside long mode it is short: in fast mode a smoke test of at most 3 epochs on every other training and
    validation face, in class mode at most 2 epochs on every 5th (about 15-20 s on 2 CPU cores), validated without
    flip averaging (which would double each validation), in ``<out_dir>-exercise`` (so that a long run of the same
    folder is never resumed with other settings).
    """
    settings = settings or get_settings()
    config = replace(config, progress=False)
    if settings.mode != "long":
        epochs, stride = EXERCISE_BUDGET[settings.mode]
        config = replace(
            config, epochs=min(config.epochs, epochs), flip_tta=False, out_dir=f"{config.out_dir}-exercise"
        )
        train = train.subset(range(0, len(train), stride))
        val = None if val is None else val.subset(range(0, len(val), stride))
    trainer = Trainer(config, on_epoch=on_epoch)
    trainer.fit(train, val, resume=True)
    return trainer
