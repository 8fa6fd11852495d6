"""Which GiMeFive annotates the video: a given checkpoint, else the shipped RAF-DB one, else the synthetic model."""

from __future__ import annotations

from pathlib import Path

from torch import nn

from gimefive_lib.devices import select_device
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training.checkpoint import load_model
from gimefive_lib.training.recipes import synthetic_model


def video_model(checkpoint: str | Path | None = None, settings: Settings | None = None) -> tuple[nn.Module, str]:
    """The model and a sentence saying which one it is.

    ``checkpoint`` must hold a GiMeFive (another model raises ValueError). Without it the shipped RAF-DB
    checkpoint (``settings.checkpoint``) is used, or, when it is absent, the GiMeFive trained on synthetic
    faces (trained once into ``settings.runs_dir``, then loaded): fine for the synthetic clip, not for real faces.
    """
    settings = settings or get_settings()
    device = select_device(settings.device)
    if checkpoint is not None:
        model, _ = load_model(checkpoint, device, expect="gimefive")
        return model, f"GiMeFive from {checkpoint}"
    if Path(settings.checkpoint).is_file():
        model, _ = load_model(settings.checkpoint, device, expect="gimefive")
        return model, f"GiMeFive trained on RAF-DB ({settings.checkpoint})"

    model, _ = synthetic_model(settings)
    note = f"no RAF-DB checkpoint at {settings.checkpoint}: using the GiMeFive trained on synthetic faces"
    return model.eval(), note
