"""The training loop: in-memory batches, device-side augmentation, mixed precision, DDP, early stopping, resume."""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler
from tqdm.auto import tqdm

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.devices import autocast, autocast_dtype, select_device, use_channels_last
from gimefive_lib.evaluation import predict_proba
from gimefive_lib.models import build_model
from gimefive_lib.preprocess import IMAGENET_MEAN, IMAGENET_STD
from gimefive_lib.training import distributed as dist_utils
from gimefive_lib.training.augment import augment_batch
from gimefive_lib.training.checkpoint import read_checkpoint, save_atomic
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
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


RESUME_FREE_FIELDS = {"device", "progress", "out_dir"}


def _check_same_run(saved: dict, config: TrainConfig, path: Path) -> None:
    """A resumed run must keep the settings that shape it (epochs fix the schedule, for one)."""
    current = config.to_dict()
    changed = sorted(k for k in current if k not in RESUME_FREE_FIELDS and saved.get(k) != current[k])
    if changed:
        details = ", ".join(f"{k}: {saved.get(k)!r} -> {current[k]!r}" for k in changed)
        raise ValueError(f"{path}: cannot resume with changed settings ({details}); use a new --out folder")


class Trainer:
    """Train one model on a train FaceSet, validate on a validation FaceSet carved from train.

    Use: ``history = Trainer(config).fit(train_faces, val_faces)``; ``config.out_dir`` then holds
    ``last.pt`` (resume point), ``best.pt`` (best validation accuracy) and ``history.csv``.
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
        self.model = build_model(config.model).to(self.device)
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
    def fit(self, train: FaceSet, val: FaceSet, resume: bool = False) -> list[dict]:
        """Train for ``config.epochs`` (or until early stopping); returns the history rows."""
        cfg = self.config
        seed_everything(cfg.seed)
        model = self.model
        ddp = dist_utils.world_size() > 1
        if ddp:
            model = DistributedDataParallel(
                model, device_ids=[self.device.index] if self.device.type == "cuda" else None
            )
        optimizer = self._optimizer(model)
        images = torch.from_numpy(train.images)
        labels = torch.from_numpy(train.labels)
        if self.device.type == "cuda":
            images, labels = images.to(self.device), labels.to(self.device)
        sampler = DistributedSampler(range(len(train)), shuffle=True, seed=cfg.seed, drop_last=True) if ddp else None
        steps_per_epoch = (len(sampler) if ddp else len(train)) // cfg.batch_size or 1
        scheduler = self._scheduler(optimizer, steps_per_epoch)
        scaler = torch.amp.GradScaler(enabled=self.amp_dtype == torch.float16)
        criterion = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
        start_epoch, best, bad_epochs = 0, -1.0, 0
        last_path, best_path = self.out_dir / "last.pt", self.out_dir / "best.pt"
        if resume and last_path.exists():
            state = read_checkpoint(last_path)
            _check_same_run(state["config"], cfg, last_path)
            self.model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            scaler.load_state_dict(state["scaler"])
            start_epoch, best, bad_epochs = state["epoch"], state["best_val_accuracy"], state["bad_epochs"]
            self.history = state["history"]
            _set_rng_state(state["rng"])
            if dist_utils.is_main_process():
                print(f"resumed from {last_path} after epoch {start_epoch}", flush=True)
        elif dist_utils.is_main_process():
            self.out_dir.mkdir(parents=True, exist_ok=True)
        show = cfg.progress and dist_utils.is_main_process()
        for epoch in range(start_epoch, cfg.epochs):
            if ddp:
                sampler.set_epoch(epoch)
            generator = torch.Generator(device=self.device).manual_seed(
                cfg.seed * 1000 + epoch * 7919 + dist_utils.rank()
            )
            order = (
                torch.tensor(list(sampler))
                if ddp
                else torch.randperm(len(train), generator=torch.Generator().manual_seed(cfg.seed + epoch))
            )
            model.train()
            started = time.perf_counter()
            loss_sum = torch.zeros((), device=self.device)
            correct = torch.zeros((), device=self.device)
            seen = 0
            bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=not show, leave=False)
            for step in bar:
                index = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
                index = index.to(images.device)
                x = self._prepare(images[index], generator)
                y = labels[index].to(self.device, non_blocking=True)
                with autocast(self.device, enabled=self.amp_dtype is not None):
                    logits = model(x)
                loss = criterion(logits.float(), y)
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
                scheduler.step()
                loss_sum += loss.detach() * len(y)
                correct += (logits.detach().argmax(1) == y).sum()
                seen += len(y)
            totals = dist_utils.all_reduce_sum(
                torch.stack([loss_sum, correct.float(), torch.tensor(float(seen), device=self.device)])
            )
            seconds = time.perf_counter() - started
            val_loss, val_acc = self._validate(val, criterion)
            row = {
                "epoch": epoch + 1,
                "train_loss": float(totals[0] / totals[2]),
                "train_accuracy": float(totals[1] / totals[2]),
                "val_loss": val_loss,
                "val_accuracy": val_acc,
                "lr": optimizer.param_groups[0]["lr"],
                "seconds": round(seconds, 2),
                "images_per_second": round(float(totals[2]) / seconds, 1),
            }
            self.history.append(row)
            improved = val_acc > best
            best, bad_epochs = (val_acc, 0) if improved else (best, bad_epochs + 1)
            stop = cfg.patience > 0 and bad_epochs >= cfg.patience
            if dist_utils.is_main_process():
                state = {
                    "model_name": cfg.model,
                    "config": cfg.to_dict(),
                    "model": self.model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "scaler": scaler.state_dict(),
                    "epoch": epoch + 1,
                    "best_val_accuracy": best,
                    "bad_epochs": bad_epochs,
                    "history": self.history,
                    "rng": _rng_state(),
                }
                if improved:
                    save_atomic(state, best_path)
                save_atomic(state, last_path)
                self._write_history()
                print(
                    f"epoch {epoch + 1}/{cfg.epochs} loss {row['train_loss']:.4f} acc {row['train_accuracy']:.4f} "
                    f"val_loss {val_loss:.4f} val_acc {val_acc:.4f} ({row['images_per_second']:.0f} img/s)",
                    flush=True,
                )
            if self.on_epoch is not None:
                self.on_epoch(row)
            if stop:
                if dist_utils.is_main_process():
                    print(f"early stopping: no validation improvement for {cfg.patience} epochs", flush=True)
                break
        dist_utils.barrier()
        return self.history

    def _validate(self, val: FaceSet, criterion: nn.Module) -> tuple[float, float]:
        probs = predict_proba(self.model, val, self.device, flip_tta=self.config.flip_tta)
        labels = torch.from_numpy(val.labels)
        p = torch.from_numpy(probs).clamp_min(1e-7)
        loss = float(criterion(p.log(), labels))
        return loss, float((p.argmax(1) == labels).float().mean())

    def _write_history(self) -> None:
        path = self.out_dir / "history.csv"
        tmp = path.with_suffix(".csv.tmp")
        with tmp.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=HISTORY_FIELDS)
            writer.writeheader()
            writer.writerows(self.history)
        tmp.replace(path)
