"""Stage 2, models: the architectures by name, the one prediction path, and what a model costs."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "fused": ["InferenceTrunk"],
        "gimefive": ["GiMeFive"],
        "prediction": ["predict_labels", "predict_proba"],
        "profiling": ["count_flops", "count_parameters", "images_per_second", "latency_ms"],
        "registry": ["INPUT_SIZE", "MODEL_NAMES", "MODELS", "build_model", "conv_blocks", "last_conv_block"],
    },
)
