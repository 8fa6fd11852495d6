"""The numbers the GiMeFive paper reports (arXiv 2402.15662), for side-by-side tables."""

from __future__ import annotations

import pandas as pd

# accuracy in % as (train, test, valid); the paper chose its epochs with the test set in view.
PAPER_ACCURACY: dict[str, dict[str, tuple[float, float, float]]] = {
    "rafdb": {
        "vgg": (93.8, 83.3, 68.8),
        "resnet18": (98.9, 81.3, 67.9),
        "resnet34": (100.0, 83.7, 72.0),
        "gimefive_baseline": (96.6, 80.6, 66.8),
        "gimefive": (97.0, 86.5, 78.1),
    },
    "fer2013": {
        "vgg": (69.0, 49.4, 35.6),
        "resnet18": (92.6, 64.7, 42.1),
        "resnet34": (97.6, 67.1, 43.6),
        "gimefive_baseline": (86.6, 64.1, 40.2),
        "gimefive": (69.7, 67.5, 46.2),
    },
}


def paper_table(dataset: str = "rafdb") -> pd.DataFrame:
    """The paper's train/test/valid accuracies (%) for one dataset, one row per model."""
    rows = PAPER_ACCURACY[dataset]
    return pd.DataFrame(rows, index=["paper_train", "paper_test", "paper_valid"]).T
