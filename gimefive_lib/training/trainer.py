"""The training loop: in-memory batches, device-side augmentation, mixed precision, DDP, early stopping, resume."""

from __future__ import annotations

import csv
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn, update_bn
from torch.utils.data import DistributedSampler
from tqdm.auto import tqdm

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import IMAGENET_MEAN, IMAGENET_STD
from gimefive_lib.devices import autocast, autocast_dtype, select_device, use_channels_last
from gimefive_lib.files import atomic_write, link_atomic
from gimefive_lib.models import build_model
from gimefive_lib.models.prediction import predict_proba
from gimefive_lib.training import checkpoint
from gimefive_lib.training import distributed as dist_utils
from gimefive_lib.training.augment import augment_batch
from gimefive_lib.training.checkpoint import load_weights_into, read_checkpoint, remove_stale_temp_files, save_atomic
from gimefive_lib.training.config import TrainConfig

HISTORY_FIELDS = [
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "seconds",
    "images_per_second",
]


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _rng_state() -> dict:
    """The random generators' states as plain data (tensors, numbers, tuples): loadable with ``weights_only=True``."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    numpy_state = {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                   "has_gauss": int(has_gauss), "gauss": float(gauss)}
    state = {"python": random.getstate(), "numpy": numpy_state, "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


@dataclass
class _Run:
    """What one training run carries from epoch to epoch."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    scaler: torch.amp.GradScaler
    criterion: nn.Module
    sampler: DistributedSampler | None
    steps_per_epoch: int
    faces: dict[str, int]
    averaged: AveragedModel | None = None
    start_epoch: int = 0
    best: float = -1.0
    bad_epochs: int = 0


RESUME_FREE_FIELDS = {"device", "progress", "out_dir"}


def changed_settings(saved: dict, config: TrainConfig) -> list[str]:
    """The settings that shape a run (all but device, progress, out_dir) in which ``config`` differs from ``saved``.

    A setting the saved run predates counts as its default.
    """
    current, default = config.to_dict(), TrainConfig().to_dict()
    return sorted(k for k in current if k not in RESUME_FREE_FIELDS and saved.get(k, default[k]) != current[k])


def _check_same_run(saved: dict, config: TrainConfig, path: Path) -> None:
    """A resumed run must keep the settings that shape it (epochs fix the schedule, for one)."""
    current = config.to_dict()
    changed = changed_settings(saved, config)
    if changed:
        details = ", ".join(f"{k}: {saved.get(k)!r} -> {current[k]!r}" for k in changed)
        raise ValueError(f"{path}: cannot resume with changed settings ({details}); use a new --out folder")


def _check_same_faces(saved: dict, faces: dict[str, int], path: Path) -> None:
    """A resumed run must train and validate on as many faces as before; a checkpoint without the counts passes."""
    changed = {split: (saved[split], n) for split, n in faces.items() if split in saved and saved[split] != n}
    if changed:
        details = ", ".join(f"{split} {old} -> {new}" for split, (old, new) in changed.items())
        raise ValueError(f"{path}: cannot resume on other data (faces: {details}); use a new --out folder")


def _epoch_line(row: dict, epochs: int) -> str:
    """The line printed after an epoch: its losses and accuracies (validation "-" without validation faces)."""

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    return (
        f"epoch {row['epoch']}/{epochs} loss {row['train_loss']:.4f} acc {row['train_accuracy']:.4f} "
        f"val_loss {number(row['val_loss'])} val_acc {number(row['val_accuracy'])} "
        f"({row['images_per_second']:.0f} img/s)"
    )


class Trainer:
    """Train one model on a train FaceSet, validate on a validation FaceSet carved from train.

    Use: ``history = Trainer(config).fit(train_faces, val_faces)``; ``config.out_dir`` then holds
    ``last.pt`` (resume point), ``best.pt`` (best validation accuracy) and ``history.csv``.
    Without validation faces (``fit(train_faces, None)``, a refit on all of train with a schedule chosen
    beforehand) ``best.pt`` is the latest epoch and the validation columns of the history stay empty.
    """

    def __init__(self, config: TrainConfig, on_epoch=None) -> None:
        self.config = config
        self.on_epoch = on_epoch
        self.out_dir = Path(config.out_dir)
        self.device = select_device(config.device)
        if dist_utils.is_distributed_launch():
            self.device = dist_utils.init_distributed(self.device)
        self.amp_dtype = autocast_dtype(self.device) if config.amp else None
        self.channels_last = config.channels_last and use_channels_last(self.device)
        seed_everything(config.seed)  # the seed fixes the initial weights too
        self.model = build_model(config.model)
        if config.init_from:
            load_weights_into(self.model, config.model, config.init_from)
        self.model = self.model.to(self.device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.mean = torch.tensor(IMAGENET_MEAN, device=self.device).view(1, 3, 1, 1)
        self.std = torch.tensor(IMAGENET_STD, device=self.device).view(1, 3, 1, 1)
        self.history: list[dict] = []

    # ----------------------------------------------------------------- setup
    def _optimizer(self, model: nn.Module) -> torch.optim.Optimizer:
        cfg = self.config
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
        if cfg.optimizer == "adamw":
            return torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        raise ValueError(f"unknown optimizer {cfg.optimizer!r}; choose sgd or adamw")

    def _scheduler(self, optimizer: torch.optim.Optimizer, steps_per_epoch: int):
        cfg = self.config
        total = max(1, cfg.epochs * steps_per_epoch)
        if cfg.schedule == "onecycle":
            return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=cfg.lr, total_steps=total, pct_start=0.15)
        if cfg.schedule == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
        if cfg.schedule == "constant":
            return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
        raise ValueError(f"unknown schedule {cfg.schedule!r}; choose onecycle, cosine or constant")

    def _prepare(self, images: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        """uint8 (N, H, W) -> augmented, normalised (N, 3, H, W) on the device."""
        x = images.to(self.device, non_blocking=True).float().div_(255.0).unsqueeze(1)
        if generator is not None:
            x = augment_batch(x, self.config.augment, generator)
        x = ((x.expand(-1, 3, -1, -1) - self.mean) / self.std).contiguous()
        return x.to(memory_format=torch.channels_last) if self.channels_last else x

    # ------------------------------------------------------------------ loop
    def fit(self, train: FaceSet, val: FaceSet | None, resume: bool = False) -> list[dict]:
        """Train for ``config.epochs`` (or until early stopping); returns the history rows."""
        cfg = self.config
        if val is None and cfg.patience > 0:
            raise ValueError("early stopping needs validation faces; set patience to 0 for a run without them")
        seed_everything(cfg.seed)
        run = self._start_run({"train": len(train), "val": 0 if val is None else len(val)}, resume)
        images, labels = torch.from_numpy(train.images), torch.from_numpy(train.labels)
        if self.device.type == "cuda":
            images, labels = images.to(self.device), labels.to(self.device)
        for epoch in range(run.start_epoch, cfg.epochs):
            started = time.perf_counter()
            loss, accuracy, seen = self._train_epoch(run, epoch, images, labels)
            if cfg.swa:
                self._update_average(run.averaged, images)
            seconds = time.perf_counter() - started
            val_loss, val_accuracy = (
                (None, None) if val is None else self._validate(self._evaluated_model(run), val, run.criterion)
            )
            row = {
                "epoch": epoch + 1,
                "train_loss": loss,
                "train_accuracy": accuracy,
                "val_loss": val_loss,
                "val_accuracy": val_accuracy,
                "lr": run.optimizer.param_groups[0]["lr"],
                "seconds": round(seconds, 2),
                "images_per_second": round(seen / seconds, 1),
            }
            self._end_epoch(run, row)
            if self.on_epoch is not None:
                self.on_epoch(row)
            if cfg.patience > 0 and run.bad_epochs >= cfg.patience:
                if dist_utils.is_main_process():
                    print(f"early stopping: no validation improvement for {cfg.patience} epochs", flush=True)
                break
        dist_utils.barrier()
        return self.history

    def _start_run(self, faces: dict[str, int], resume: bool) -> _Run:
        """Optimiser, schedule, sampler and counters, restored from ``last.pt`` when resuming.

        ``faces`` counts the train and validation faces; it is saved with the run and checked on resume.
        """
        n_train = faces["train"]
        cfg = self.config
        model = self.model
        sampler = None
        if dist_utils.world_size() > 1:
            device_ids = [self.device.index] if self.device.type == "cuda" else None
            model = DistributedDataParallel(model, device_ids=device_ids)
            sampler = DistributedSampler(range(n_train), shuffle=True, seed=cfg.seed, drop_last=True)
        optimizer = self._optimizer(model)
        steps = (len(sampler) if sampler is not None else n_train) // cfg.batch_size or 1
        run = _Run(
            model=model,
            optimizer=optimizer,
            scheduler=self._scheduler(optimizer, steps),
            scaler=torch.amp.GradScaler(enabled=self.amp_dtype == torch.float16),
            criterion=nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing),
            sampler=sampler,
            steps_per_epoch=steps,
            faces=faces,
            averaged=self._averaged_model(),
        )
        last_path = self.out_dir / "last.pt"
        if resume and last_path.exists():
            state = read_checkpoint(last_path)
            _check_same_run(state["config"], cfg, last_path)
            _check_same_faces(state.get("faces", {}), faces, last_path)
            self.model.load_state_dict(state.get("trained_model", state["model"]))
            run.start_epoch, run.best, run.bad_epochs = state["epoch"], state["best_val_accuracy"], state["bad_epochs"]
            self.history = state["history"]
            if "optimizer" not in state:  # a finished run keeps no resume state: there is nothing left to train
                run.start_epoch = cfg.epochs
                if dist_utils.is_main_process():
                    print(f"{last_path}: the run already finished after epoch {state['epoch']}", flush=True)
                return run
            if run.averaged is not None:
                run.averaged.load_state_dict(state["averaged"])
            for name in ("optimizer", "scheduler", "scaler"):
                getattr(run, name).load_state_dict(state[name])
            _set_rng_state(state["rng"])
            if dist_utils.is_main_process():
                print(f"resumed from {last_path} after epoch {run.start_epoch}", flush=True)
        elif dist_utils.is_main_process():
            self.out_dir.mkdir(parents=True, exist_ok=True)
        if dist_utils.is_main_process():
            for stale in remove_stale_temp_files(self.out_dir):
                print(f"removed {stale}, left by a save that was killed", flush=True)
        return run

    def _averaged_model(self) -> AveragedModel | None:
        """The weight average the run validates and saves: SWA (per epoch), EMA (per step, batch-norm buffers too)."""
        cfg = self.config
        if cfg.swa and cfg.ema:
            raise ValueError("choose either swa or ema, not both")
        if not 0.0 <= cfg.ema < 1.0:
            raise ValueError(f"ema decay must lie in [0, 1), got {cfg.ema}")
        if cfg.ema:
            return AveragedModel(self.model, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema), use_buffers=True)
        return AveragedModel(self.model) if cfg.swa else None

    def _train_epoch(
        self, run: _Run, epoch: int, images: torch.Tensor, labels: torch.Tensor
    ) -> tuple[float, float, int]:
        """One pass over the training faces; returns mean loss, accuracy and faces seen (over all processes)."""
        cfg = self.config
        generator = torch.Generator(device=self.device).manual_seed(cfg.seed * 1000 + epoch * 7919 + dist_utils.rank())
        if run.sampler is not None:
            run.sampler.set_epoch(epoch)
            order = torch.tensor(list(run.sampler))
        else:
            order = torch.randperm(len(images), generator=torch.Generator().manual_seed(cfg.seed + epoch))
        run.model.train()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device)
        seen = 0
        show = cfg.progress and dist_utils.is_main_process()
        bar = tqdm(range(run.steps_per_epoch), desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=not show, leave=False)
        for step in bar:
            index = order[step * cfg.batch_size : (step + 1) * cfg.batch_size].to(images.device)
            x = self._prepare(images[index], generator)
            y = labels[index].to(self.device, non_blocking=True)
            with autocast(self.device, enabled=self.amp_dtype is not None):
                logits = run.model(x)
            loss = run.criterion(logits.float(), y)
            run.optimizer.zero_grad(set_to_none=True)
            run.scaler.scale(loss).backward()
            run.scaler.step(run.optimizer)
            run.scaler.update()
            run.scheduler.step()
            if cfg.ema:
                run.averaged.update_parameters(self.model)
            loss_sum += loss.detach() * len(y)
            correct += (logits.detach().argmax(1) == y).sum()
            seen += len(y)
        totals = dist_utils.all_reduce_sum(
            torch.stack([loss_sum, correct.float(), torch.tensor(float(seen), device=self.device)])
        )
        return float(totals[0] / totals[2]), float(totals[1] / totals[2]), int(totals[2])

    def _update_average(self, averaged: AveragedModel, images: torch.Tensor) -> None:
        """Add the weights of this epoch to the average, then recompute its batch-norm statistics on the train faces."""
        averaged.update_parameters(self.model)
        batches = (self._prepare(images[i : i + 256], None) for i in range(0, len(images), 256))
        with autocast(self.device, enabled=self.amp_dtype is not None):
            update_bn(batches, averaged)

    def _evaluated_model(self, run: _Run) -> nn.Module:
        """The model validated and saved as the run's result: the SWA or EMA weight average, else the trained one."""
        return run.averaged.module if run.averaged is not None else self.model

    def _end_epoch(self, run: _Run, row: dict) -> None:
        """Record the epoch; on rank 0 write best.pt (if improved), last.pt and history.csv, and print a line.

        Only an unfinished run's ``last.pt`` keeps the optimiser, schedule, RNG and averaging state: ``best.pt``
        and a finished run's ``last.pt`` hold the weights and the bookkeeping (a third of the bytes with AdamW),
        and are one file on disk when the last epoch was the best.
        """
        self.history.append(row)
        accuracy = row["val_accuracy"]
        improved = accuracy is None or accuracy > run.best  # without validation the latest epoch is the result
        if accuracy is not None:
            run.best, run.bad_epochs = (accuracy, 0) if improved else (run.best, run.bad_epochs + 1)
        if not dist_utils.is_main_process():
            return
        state = {
            "model_name": self.config.model,
            "config": self.config.to_dict(),
            "model": self._evaluated_model(run).state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "scaler": run.scaler.state_dict(),
            "epoch": row["epoch"],
            "best_val_accuracy": run.best,
            "bad_epochs": run.bad_epochs,
            "faces": run.faces,
            "history": self.history,
            "rng": _rng_state(),
        }
        if run.averaged is not None:
            state |= {"trained_model": self.model.state_dict(), "averaged": run.averaged.state_dict()}
        best, last = self.out_dir / "best.pt", self.out_dir / "last.pt"
        if improved:
            save_atomic(checkpoint.without_resume_state(state), best)
        finished = checkpoint.ended_after(row["epoch"], run.bad_epochs, self.config.epochs, self.config.patience)
        if finished and improved:
            link_atomic(best, last)  # the same bytes: one copy on disk
        else:
            save_atomic(checkpoint.without_resume_state(state) if finished else state, last)
        self._write_history()
        print(_epoch_line(row, self.config.epochs), flush=True)

    def _validate(self, model: nn.Module, val: FaceSet, criterion: nn.Module) -> tuple[float, float]:
        probs = predict_proba(model, val, self.device, flip_tta=self.config.flip_tta)
        labels = torch.from_numpy(val.labels)
        p = torch.from_numpy(probs).clamp_min(1e-7)
        loss = float(criterion(p.log(), labels))
        return loss, float((p.argmax(1) == labels).float().mean())

    def _write_history(self) -> None:
        with atomic_write(self.out_dir / "history.csv", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=HISTORY_FIELDS)
            writer.writeheader()
            writer.writerows(self.history)
