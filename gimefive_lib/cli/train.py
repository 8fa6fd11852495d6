"""``train``: train a model with a validation split carved from the training split, or refit it on all of train."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.cli.arguments import add_dataset_arguments, chosen_device, load_faces
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import VAL_FRACTION, train_val_split
from gimefive_lib.models import MODEL_NAMES
from gimefive_lib.training import distributed as dist_utils
from gimefive_lib.training.augment import AugmentConfig
from gimefive_lib.training.checkpoint import RUN_FILES
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.trainer import Trainer


def register(subparsers) -> None:
    """Add the ``train`` sub-command."""
    p = subparsers.add_parser("train", help="train a model (works under torchrun for DDP)")
    add_dataset_arguments(p)
    d = TrainConfig()
    p.add_argument("--model", default=d.model, choices=MODEL_NAMES)
    add_training_arguments(p)
    p.add_argument(
        "--out", type=options.writable_folder, default=d.out_dir, help="run folder for last.pt, best.pt, history.csv"
    )
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    p.add_argument("--overwrite", action="store_true", help="replace the run in OUT (its checkpoints and history)")
    p.add_argument(
        "--init", default=d.init_from, metavar="CHECKPOINT", help="start from these weights (fine-tuning), same model"
    )
    p.set_defaults(run=run)


def add_training_arguments(p: argparse.ArgumentParser) -> None:
    """The protocol options shared by ``train`` and ``compare``: schedule, optimiser, augmentation, averaging."""
    d = TrainConfig()
    p.add_argument("--epochs", type=options.count, default=d.epochs)
    p.add_argument("--batch-size", type=options.count, default=d.batch_size, help="per process")
    p.add_argument("--optimizer", default=d.optimizer, choices=("adamw", "sgd"))
    p.add_argument("--lr", type=options.positive_float, default=d.lr)
    p.add_argument("--weight-decay", type=options.non_negative_float, default=d.weight_decay)
    p.add_argument("--schedule", default=d.schedule, choices=("onecycle", "cosine", "constant"))
    p.add_argument(
        "--label-smoothing", type=options.fraction, default=d.label_smoothing
    )
    p.add_argument("--rotation", type=options.non_negative_float, default=d.augment.rotation, help="degrees; 0 = off")
    p.add_argument(
        "--shift", type=options.fraction, default=d.augment.shift, help="random crop/shift, fraction of side"
    )
    p.add_argument(
        "--scale", type=options.fraction, default=d.augment.scale
    )
    p.add_argument("--erasing", type=options.probability, default=d.augment.erasing, help="random erasing probability")
    p.add_argument("--no-flip", action="store_true")
    p.add_argument("--paper", action="store_true", help="the paper's protocol (SGD, batch 16, flip only, patience 15)")
    p.add_argument(
        "--patience", type=options.count_or_off, default=d.patience, help="early stopping on validation; 0 = off"
    )
    p.add_argument(
        "--val-fraction", type=options.fraction, default=VAL_FRACTION,
        help="stratified part of train held out for validation; 0 (train only): refit on all train faces, keep the "
        "last epoch",
    )
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps (default: $GIMEFIVE_DEVICE, else auto)")
    p.add_argument("--no-amp", action="store_true")
    p.add_argument(
        "--swa", action="store_true", help="stochastic weight averaging: keep, validate and save the epochs' average"
    )
    p.add_argument(
        "--ema", type=options.fraction, default=d.ema, metavar="DECAY",
        help="validate and save an exponential moving average of the weights (e.g. 0.999); 0 = off",
    )
    p.add_argument("--no-progress", action="store_true")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig the parsed arguments describe."""
    common = dict(
        model=args.model,
        epochs=args.epochs,
        seed=args.seed,
        device=chosen_device(args.device),
        amp=not args.no_amp,
        out_dir=str(args.out),
        progress=not args.no_progress,
        init_from=str(args.init),
        swa=args.swa,
        ema=args.ema,
    )
    if args.paper:
        return TrainConfig.paper(**common)
    augment = AugmentConfig(
        flip=not args.no_flip, rotation=args.rotation, shift=args.shift, scale=args.scale, erasing=args.erasing
    )
    return TrainConfig(
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        lr=args.lr,
        weight_decay=args.weight_decay,
        schedule=args.schedule,
        label_smoothing=args.label_smoothing,
        augment=augment,
        patience=args.patience,
        **common,
    )


def training_faces(faces: FaceSet, val_fraction: float, seed: int) -> tuple[FaceSet, FaceSet | None]:
    """Train and validation faces carved from ``faces``; ``val_fraction`` 0 keeps all of them for training."""
    if val_fraction == 0:
        return faces, None
    return train_val_split(faces, val_fraction, seed=seed)


def summary(history: list[dict], out: str) -> dict:
    """What a finished run prints: its best validation epoch, or its last epoch when it had no validation."""
    if history[-1]["val_accuracy"] is None:
        last = history[-1]
        return {"last_epoch": last["epoch"], "train_accuracy": last["train_accuracy"], "out": out}
    best = max(history, key=lambda row: row["val_accuracy"])
    return {"best_epoch": best["epoch"], "best_val_accuracy": best["val_accuracy"], "out": out}


def check_run_folder(out: Path, resume: bool, overwrite: bool) -> list[Path]:
    """The files of an earlier run in ``out`` that ``--overwrite`` will replace; ValueError if neither ``--resume``
    nor ``--overwrite`` allows touching them, so no run is lost silently."""
    existing = [out / name for name in RUN_FILES if (out / name).exists()]
    if existing and not resume and not overwrite:
        names = ", ".join(path.name for path in existing)
        raise ValueError(f"{out} holds a run ({names}): add --resume to continue it or --overwrite to replace it")
    return [] if resume else existing


def run(args: argparse.Namespace) -> int:
    """Load the data, split off validation, train, print the best validation accuracy."""
    replaced = check_run_folder(Path(args.out), args.resume, args.overwrite)
    config = config_from_args(args)
    faces = load_faces(args, "train")
    train, val = training_faces(faces, args.val_fraction, args.seed)
    trainer = Trainer(config)  # joins the torchrun process group, if any
    if dist_utils.is_main_process():
        for path in replaced:
            path.unlink()
    if dist_utils.is_main_process():
        held_out = f"{len(val)} validation faces" if val is not None else "no validation (refit on all train faces)"
        print(f"{faces.name}: {len(train)} train / {held_out}; model {config.model}", flush=True)
    history = trainer.fit(train, val, resume=args.resume)
    if dist_utils.is_main_process() and history:
        print(json.dumps(summary(history, str(args.out))))
    dist_utils.cleanup()
    return 0
