"""Atomic checkpoints (temp file + rename) and loading a trained model back from one."""

from __future__ import annotations

import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.splits import VAL_FRACTION, stratified_split_indices
from gimefive_lib.files import atomic_write
from gimefive_lib.models import build_model

RUN_FILES: tuple[str, ...] = ("best.pt", "last.pt", "history.csv")  # what a training run writes in its folder
# Temp files of atomic_write (.NAME.<8 hex digits>.tmp) and of earlier versions (NAME.<8 random characters>.tmp).
_TEMP_FILE = re.compile(r".+\.[A-Za-z0-9_]{8}\.tmp")


def remove_stale_temp_files(folder: str | Path) -> list[Path]:
    """Delete the temp files that a save killed mid-way left in ``folder``; returns the paths removed."""
    folder = Path(folder)
    stale = [path for path in folder.glob("*.tmp") if _TEMP_FILE.fullmatch(path.name)] if folder.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def save_atomic(state: dict, path: str | Path) -> Path:
    """Write ``state`` with ``torch.save`` so that ``path`` is either the old or the new file, never half of one."""
    with atomic_write(path, "wb", sync=True) as f:
        torch.save(state, f)
    return Path(path)


RESUME_ONLY: tuple[str, ...] = ("optimizer", "scheduler", "scaler", "rng", "averaged")  # read by a resume only


def without_resume_state(state: dict) -> dict:
    """A training state without what only resuming it reads: the weights and bookkeeping a finished run keeps."""
    return {key: value for key, value in state.items() if key not in RESUME_ONLY}


class CheckpointError(ValueError):
    """A file that is not a checkpoint this suite can read safely; the message names the file."""


def read_checkpoint(path: str | Path, mmap: bool = False) -> dict:
    """Load a checkpoint dictionary on the CPU; a missing or foreign file raises a clear error.

    The file is read with ``torch.load(weights_only=True)``: only tensors, numbers, strings and containers of them
    are rebuilt, so a checkpoint from a classmate or the web can never run code (a pickle that tries is refused).
    ``mmap`` maps the tensors instead of reading them: cheap when only the bookkeeping fields are needed.
    """
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path}: is a folder, not a checkpoint file")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: checkpoint not found")
    if not zipfile.is_zipfile(path):  # torch.save's format is a zip archive; anything else is no checkpoint of ours
        raise CheckpointError(f"{path}: not a readable PyTorch checkpoint (corrupt or truncated?)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as refused:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(refused))
        what = f"it would call {found.group(1)}" if found else "it holds more than tensors and plain data"
        raise CheckpointError(f"{path}: refused to load: {what}") from None
    except (RuntimeError, EOFError, OSError, ValueError) as broken:
        raise CheckpointError(f"{path}: not a readable PyTorch checkpoint (corrupt or truncated?)") from broken
    if not isinstance(state, dict) or "model" not in state or "model_name" not in state:
        raise CheckpointError(f"{path}: not a gimefive_lib checkpoint (expected keys 'model' and 'model_name')")
    return state


def ended_after(epoch: int, bad_epochs: int, epochs: int, patience: int) -> bool:
    """Whether a run of ``epochs`` epochs (early stopping after ``patience`` epochs without improvement, 0 = off)
    ends after ``epoch``, with ``bad_epochs`` epochs since its last improvement."""
    return epoch >= epochs or 0 < patience <= bad_epochs


def run_finished(run_dir: str | Path) -> bool:
    """Whether the run in ``run_dir`` ended: its ``last.pt`` reached the configured epochs or stopped early.

    A killed run has a ``best.pt`` too (written whenever validation improves), so ``best.pt`` alone proves nothing.
    """
    last = Path(run_dir) / "last.pt"
    if not last.is_file():
        return False
    state = read_checkpoint(last, mmap=True)
    config = state["config"]
    return ended_after(state["epoch"], state["bad_epochs"], config["epochs"], config.get("patience", 0))


def was_refitted(state: dict) -> bool:
    """Whether a checkpoint was refitted on all train faces (``--val-fraction 0``): it held none out for validation."""
    return (state.get("faces") or {}).get("val") == 0


def trained_seed(state: dict) -> int:
    """The seed checkpoint ``state`` was trained with: it carved the validation faces (0 when not stored)."""
    return state.get("config", {}).get("seed", 0)


def held_out_indices(
    state: dict, labels: np.ndarray, val_fraction: float = VAL_FRACTION, seed: int | None = None,
    source: str = "these faces",
) -> np.ndarray:
    """Where, among train faces with these ``labels`` (in the loader's order), are the validation faces ``train``
    carved for checkpoint ``state``: the faces it never trained on. ``seed`` defaults to the one stored in the
    checkpoint; ``source`` names the faces in the error.

    ValueError as :func:`require_held_out` raises it: another ``val_fraction`` or train split than its run had
    carves another number of faces (another seed carves as many, which is why it defaults to the checkpoint's).
    """
    seed = trained_seed(state) if seed is None else seed
    _, val = stratified_split_indices(labels, val_fraction, seed)
    require_held_out(state, len(val), f"--val-fraction {val_fraction} and seed {seed} carve {len(val)} from {source}")
    return val


def held_out_validation(
    state: dict, train_faces: FaceSet, val_fraction: float = VAL_FRACTION, seed: int | None = None
) -> FaceSet:
    """The validation faces ``train`` carved from ``train_faces`` for checkpoint ``state`` (see
    :func:`held_out_indices`)."""
    val = held_out_indices(state, train_faces.labels, val_fraction, seed, train_faces.name)
    return train_faces.subset(val, f"{train_faces.name}-val")


def require_held_out(state: dict, carved: int, carve: str) -> None:
    """Raise ValueError unless checkpoint ``state`` held faces out of training and validated on ``carved`` of
    them; ``carve`` says how those faces were carved, for the message. A refitted checkpoint held none out."""
    if was_refitted(state):
        raise ValueError("this checkpoint was refitted on all train faces (--val-fraction 0): it has no held-out "
                         "validation faces")
    counted = (state.get("faces") or {}).get("val")
    if counted not in (None, carved):
        raise ValueError(f"this checkpoint validated on {counted} faces, but {carve}: these are not the faces it "
                         "held out")


def _require_model(state: dict, path: str | Path, model_name: str) -> None:
    """Raise ValueError unless the checkpoint ``state`` read from ``path`` holds a ``model_name`` model."""
    if state["model_name"] != model_name:
        raise ValueError(f"{path}: checkpoint holds a {state['model_name']!r} model, not the {model_name!r} needed")


def _float_weights(state: dict) -> dict:
    """The checkpoint's weights as fp32 (shipped weights are fp16)."""
    return {k: v.float() if v.is_floating_point() else v for k, v in state["model"].items()}


def load_weights_into(model: nn.Module, model_name: str, path: str | Path) -> None:
    """Copy the weights of checkpoint ``path`` into ``model`` (an untrained ``model_name``), e.g. to fine-tune it.

    A checkpoint of another architecture raises ValueError, so a run never starts from mismatched weights.
    """
    state = read_checkpoint(path)
    _require_model(state, path, model_name)
    model.load_state_dict(_float_weights(state))


def load_model(
    path: str | Path, device: torch.device | str = "cpu", expect: str | None = None
) -> tuple[nn.Module, dict]:
    """Rebuild the model stored in a checkpoint, in eval mode on ``device``; returns ``(model, checkpoint)``.

    ``expect`` names the architecture the caller needs; a checkpoint of another model raises ValueError.
    """
    state = read_checkpoint(path)
    if expect is not None:
        _require_model(state, path, expect)
    model = build_model(state["model_name"])
    model.load_state_dict(_float_weights(state))
    return model.to(device).eval(), state


def export_weights(checkpoint: str | Path, output: str | Path, half: bool = True, extra: dict | None = None) -> Path:
    """Strip a training checkpoint to model weights + metadata (fp16 by default) for shipping."""
    state = read_checkpoint(checkpoint)
    weights = {k: v.half() if half and v.is_floating_point() else v for k, v in state["model"].items()}
    kept = ("model_name", "config", "epoch", "best_val_accuracy", "faces", "history")
    keep = {k: state[k] for k in kept if k in state}
    return save_atomic({**keep, **(extra or {}), "model": weights}, output)
