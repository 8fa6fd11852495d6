"""Stage 3, training: the trainer, atomic checkpoints, DDP under torchrun, augmentation, the notebooks' recipes
(load a finished run or train it) and live training curves."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "augment": ["AugmentConfig"],
        "checkpoint": [
            "CheckpointError", "export_weights", "held_out_validation", "load_model", "read_checkpoint",
        ],
        "config": ["TrainConfig"],
        "curves": ["LiveCurves", "history_figure"],
        "recipes": [
            "comparison_budget", "exercise_run", "load_or_train", "notebook_config", "shipped_model",
            "shipped_synthetic_model", "synthetic_config", "synthetic_model",
        ],
        "trainer": ["Trainer"],
    },
)
